package dev.longwatch.query.registry;

import dev.longwatch.schema.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one compacted control-plane topic synchronously, for an HTTP request that must know its
 * write is durable before it answers: idempotent, acks=all, and bounded so a request gives up well
 * before its client would.
 */
public final class TopicWriter<V> implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Topic<String, V> topic;
    private final Producer<String, V> producer;

    public TopicWriter(Topic<String, V> topic, Producer<String, V> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /**
     * @param connection bootstrap servers and client settings ({@code
     *     QueryServiceSettings.kafkaConnection()})
     */
    public static <V> TopicWriter<V> create(Topic<String, V> topic, Map<String, Object> connection, String clientId) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // The delivery timeout must cover linger + one request timeout, or the producer refuses
        // to start.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        return new TopicWriter<>(
                topic,
                new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer()));
    }

    /**
     * Writes {@code value} (null: a tombstone) under {@code key} and waits for the broker's ack.
     *
     * @param what names the record in the error, e.g. "stream 'lobby'"
     * @throws RegistryUnavailableException when the write is not acknowledged in time
     */
    public void write(String key, V value, String what) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value))
                    .get(SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while writing " + what, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RegistryUnavailableException(
                    "could not write " + what + " to " + topic.name() + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
