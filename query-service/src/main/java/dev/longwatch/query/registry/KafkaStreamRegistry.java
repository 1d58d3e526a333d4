package dev.longwatch.query.registry;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** {@link StreamRegistry} on lw.streams with an idempotent producer (acks=all, no duplicates). */
public final class KafkaStreamRegistry implements StreamRegistry {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, StreamSpec> producer;

    public KafkaStreamRegistry(Producer<String, StreamSpec> producer) {
        this.producer = producer;
    }

    public static KafkaStreamRegistry create(String bootstrapServers, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // An HTTP request waits for this: give up well before a client would. The delivery
        // timeout must cover linger + one request timeout, or the producer refuses to start.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        return new KafkaStreamRegistry(
                new KafkaProducer<>(
                        props,
                        Topics.STREAMS.keySerde().serializer(),
                        Topics.STREAMS.valueSerde().serializer()));
    }

    @Override
    public void put(StreamSpec spec) {
        send(new ProducerRecord<>(Topics.STREAMS.name(), spec.getId(), spec));
    }

    @Override
    public void delete(String streamId) {
        send(new ProducerRecord<>(Topics.STREAMS.name(), streamId, null));
    }

    private void send(ProducerRecord<String, StreamSpec> record) {
        try {
            Future<RecordMetadata> ack = producer.send(record);
            ack.get(SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while writing " + record.key(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RegistryUnavailableException(
                    "could not write stream '" + record.key() + "' to " + Topics.STREAMS.name()
                            + ": " + cause,
                    cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
