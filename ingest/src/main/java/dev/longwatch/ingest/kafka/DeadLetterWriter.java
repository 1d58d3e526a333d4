package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ingest's dead letters to {@code lw.dlq}, built by {@link DeadLetters} so that each fits
 * the topic's size limit (a poison record at the limit is cut, and the letter says so).
 * Synchronous: the control loop moves past a record only once its dead letter is written.
 */
public final class DeadLetterWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);
    static final String COMPONENT = "ingest";

    private final Producer<byte[], DeadLetter> producer;
    private final Clock clock;

    /** @param connection bootstrap servers and client settings ({@code IngestSettings.kafkaConnection()}) */
    public DeadLetterWriter(Map<String, Object> connection, String clientId, Clock clock) {
        this(
                new KafkaProducer<>(
                        configs(connection, clientId),
                        Topics.DLQ.keySerde().serializer(),
                        Topics.DLQ.valueSerde().serializer()),
                clock);
    }

    public DeadLetterWriter(Producer<byte[], DeadLetter> producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    private static Map<String, Object> configs(Map<String, Object> connection, String clientId) {
        Map<String, Object> configs = ProducerConfigs.idempotent(connection, clientId);
        // A dead letter is at most the topic's limit; the request carries a little more.
        configs.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES + 64 * 1024);
        return configs;
    }

    /**
     * Writes the dead letter of one record and waits for the broker (up to 30 s); a failure is
     * logged with the coordinates, so the record is never lost without a trace.
     */
    public void write(DeadLetters.Origin origin, byte[] key, byte[] value, String reason) {
        DeadLetter letter = DeadLetters.of(origin, key, value, reason, COMPONENT, clock.millis());
        try {
            producer.send(new ProducerRecord<>(Topics.DLQ.name(), DeadLetters.recordKey(key), letter))
                    .get(30, TimeUnit.SECONDS);
            log.warn("{}-{} offset {} dead-lettered: {}", origin.topic(), origin.partition(), origin.offset(), reason);
        } catch (ExecutionException | TimeoutException e) {
            log.error("{}-{} offset {} could not be dead-lettered ({}): {}",
                    origin.topic(), origin.partition(), origin.offset(), e, reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
