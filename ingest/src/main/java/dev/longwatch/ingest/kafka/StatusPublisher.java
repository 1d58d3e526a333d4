package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamStatus;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link StreamStatus} to the compacted {@code lw.stream-status} and remembers the last
 * status of each stream, which is what a restart resumes from. Thread-safe.
 */
public final class StatusPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);

    private final Producer<String, StreamStatus> producer;
    // Latest status per stream as this instance knows it: seeded from the topic at start, then
    // updated on every publish. Entries die with a tombstone (stream deleted).
    private final Map<String, StreamStatus> latest = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();

    public StatusPublisher(String bootstrapServers, String clientId) {
        this(
                new KafkaProducer<>(
                        ProducerConfigs.idempotent(bootstrapServers, clientId),
                        Topics.STREAM_STATUS.keySerde().serializer(),
                        Topics.STREAM_STATUS.valueSerde().serializer()));
    }

    public StatusPublisher(Producer<String, StreamStatus> producer) {
        this.producer = producer;
    }

    /** Seeds the book with statuses read back from the topic (see {@link StatusReader}). */
    public void seed(Map<String, StreamStatus> statuses) {
        latest.putAll(statuses);
    }

    public void publish(StreamStatus status) {
        latest.put(status.getStreamId(), status);
        send(status.getStreamId(), status);
    }

    /** Deletes the stream's status (the stream itself was deleted). */
    public void tombstone(String streamId) {
        latest.remove(streamId);
        send(streamId, null);
    }

    public Optional<StreamStatus> latest(String streamId) {
        return Optional.ofNullable(latest.get(streamId));
    }

    /** Status records that could not be written (logged; a later status supersedes them). */
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

    private void send(String streamId, StreamStatus value) {
        producer.send(
                new ProducerRecord<>(Topics.STREAM_STATUS.name(), streamId, value),
                (metadata, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                        log.warn("status of stream {} not written: {}", streamId, e.toString());
                    }
                });
    }
}
