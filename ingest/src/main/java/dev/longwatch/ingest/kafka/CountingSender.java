package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topic;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records of one topic without waiting, logging and counting the ones the broker never
 * acknowledges. For ingest's side records (status, events), where a later record supersedes a
 * lost one and the frame pipeline must not block on them. Thread-safe.
 */
final class CountingSender<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CountingSender.class);

    private final Topic<String, V> topic;
    private final Producer<String, V> producer;
    private final AtomicLong failures = new AtomicLong();

    CountingSender(Topic<String, V> topic, Producer<String, V> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** An idempotent producer for {@code topic}. */
    static <V> CountingSender<V> create(Topic<String, V> topic, Map<String, Object> connection, String clientId) {
        return new CountingSender<>(
                topic,
                new KafkaProducer<>(
                        ProducerConfigs.idempotent(connection, clientId),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer()));
    }

    /** @param what names the record in the warning when it is lost */
    void send(String key, V value, String what) {
        producer.send(
                new ProducerRecord<>(topic.name(), key, value),
                (metadata, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                        log.warn("{} not written to {}: {}", what, topic.name(), e.toString());
                    }
                });
    }

    long failures() {
        return failures.get();
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
