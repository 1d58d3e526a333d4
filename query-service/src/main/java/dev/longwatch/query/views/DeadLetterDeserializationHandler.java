package dev.longwatch.query.views;

import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose key or value does not parse goes to {@link Topics#DLQ} as a {@link DeadLetter}
 * (raw bytes, where it came from, why) and processing continues: one bad record must not stop
 * the views, and none is skipped silently. Kafka Streams sends the returned dead-letter records
 * through its own producer, in the same commit as the consumed offset.
 *
 * <p>Records of the topics behind global stores ({@link #GLOBAL_TOPICS}) are read by the global
 * thread, which has no producer: Kafka Streams fails on dead letters returned from there and the
 * whole client dies. Those dead letters are written here, synchronously, with a producer of this
 * handler's own, before the global thread moves on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    static final String COMPONENT = "query-service";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    /** Topics read by the global thread of the views and of the standing-questions app. */
    static final Set<String> GLOBAL_TOPICS =
            Set.of(Topics.STREAMS.name(), Topics.STREAM_STATUS.name(), Topics.CHAPTERS.name(), Topics.SUBSCRIPTIONS.name());

    private static final Set<String> OWN_PRODUCER_SETTINGS = Set.of(
            ProducerConfig.CLIENT_ID_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private Map<String, Object> producerConfig = Map.of();
    // Created on the first dead letter of a global topic; lives as long as the Streams client.
    private KafkaProducer<byte[], byte[]> globalDeadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) != null) {
            // The app's producer settings (bootstrap servers, security) reach the global
            // thread's own producer too; its id and serializers are its own.
            Map<String, Object> config = new HashMap<>();
            configs.forEach((key, value) -> {
                if (ProducerConfig.configNames().contains(key) && !OWN_PRODUCER_SETTINGS.contains(key)) {
                    config.put(key, value);
                }
            });
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerConfig = Map.copyOf(config);
        }
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String reason = "deserialization failed: " + exception;
        LOG.warn(
                "Sending record {}-{}@{} to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                Topics.DLQ.name(),
                reason);
        DeadLetter letter =
                DeadLetters.of(
                        new DeadLetters.Origin(record.topic(), record.partition(), record.offset()),
                        record.key(),
                        record.value(),
                        reason,
                        COMPONENT,
                        System.currentTimeMillis());
        byte[] value = Topics.DLQ.valueSerde().serializer().serialize(Topics.DLQ.name(), letter);
        ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>(Topics.DLQ.name(), null, DeadLetters.recordKey(record.key()), value);
        if (GLOBAL_TOPICS.contains(record.topic())) {
            sendFromGlobalThread(deadLetter);
            return Response.resume(List.of());
        }
        return Response.resume(List.of(deadLetter));
    }

    private synchronized void sendFromGlobalThread(ProducerRecord<byte[], byte[]> deadLetter) {
        if (producerConfig.isEmpty()) {
            throw new IllegalStateException("no bootstrap servers configured: cannot write a dead letter for " + deadLetter);
        }
        if (globalDeadLetters == null) {
            globalDeadLetters = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            // Synchronous: the global thread moves past the record only once its dead letter is written.
            globalDeadLetters.send(deadLetter).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write a dead letter to " + Topics.DLQ.name(), e);
        }
    }
}
