package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.MemoryEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the events ingest itself knows about (GAP: a live source came back after an outage) to
 * {@code lw.events}, keyed by stream id. Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<String, MemoryEvent> producer;
    private final AtomicLong failures = new AtomicLong();

    public EventPublisher(String bootstrapServers, String clientId) {
        this(
                new KafkaProducer<>(
                        ProducerConfigs.idempotent(bootstrapServers, clientId),
                        Topics.EVENTS.keySerde().serializer(),
                        Topics.EVENTS.valueSerde().serializer()));
    }

    /** Wraps an existing producer (tests pass a {@code MockProducer}). */
    public EventPublisher(Producer<String, MemoryEvent> producer) {
        this.producer = producer;
    }

    public void publish(MemoryEvent event) {
        producer.send(
                new ProducerRecord<>(Topics.EVENTS.name(), event.getStreamId(), event),
                (metadata, e) -> {
                    if (e != null) {
                        // The gap is still marked on the frame itself (gap_before).
                        failures.incrementAndGet();
                        log.warn(
                                "{} event of stream {} not written: {}",
                                event.getKind(),
                                event.getStreamId(),
                                e.toString());
                    }
                });
    }

    /** Events that could not be written. */
    public long failures() {
        return failures.get();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
