package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.MemoryEvent;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/**
 * Writes the events ingest itself knows about (GAP: a live source came back after an outage) to
 * {@code lw.events}, keyed by stream id. A lost event is logged and counted: the gap is still
 * marked on the frame itself ({@code gap_before}). Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
    private final CountingSender<MemoryEvent> sender;

    public EventPublisher(Map<String, Object> connection, String clientId) {
        this.sender = CountingSender.create(Topics.EVENTS, connection, clientId);
    }

    /** Wraps an existing producer (tests pass a {@code MockProducer}). */
    public EventPublisher(Producer<String, MemoryEvent> producer) {
        this.sender = new CountingSender<>(Topics.EVENTS, producer);
    }

    public void publish(MemoryEvent event) {
        sender.send(event.getStreamId(), event, event.getKind() + " event of stream " + event.getStreamId());
    }

    /** Events that could not be written. */
    public long failures() {
        return sender.failures();
    }

    public void flush() {
        sender.flush();
    }

    @Override
    public void close() {
        sender.close();
    }
}
