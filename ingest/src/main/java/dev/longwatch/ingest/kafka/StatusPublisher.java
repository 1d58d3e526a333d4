package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamStatus;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;

/**
 * Writes {@link StreamStatus} to the compacted {@code lw.stream-status} and remembers the last
 * status of each stream, which is what a restart resumes from. Thread-safe.
 */
public final class StatusPublisher implements AutoCloseable {
    private final CountingSender<StreamStatus> sender;
    // Latest status per stream as this instance knows it: seeded from the topic at start, then
    // updated on every publish. Entries die with a tombstone (stream deleted).
    private final Map<String, StreamStatus> latest = new ConcurrentHashMap<>();

    public StatusPublisher(Map<String, Object> connection, String clientId) {
        this.sender = CountingSender.create(Topics.STREAM_STATUS, connection, clientId);
    }

    public StatusPublisher(Producer<String, StreamStatus> producer) {
        this.sender = new CountingSender<>(Topics.STREAM_STATUS, producer);
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
        return sender.failures();
    }

    public void flush() {
        sender.flush();
    }

    @Override
    public void close() {
        sender.close();
    }

    private void send(String streamId, StreamStatus value) {
        // A lost status is superseded by the next one; only the frames themselves must not be lost.
        sender.send(streamId, value, "status of stream " + streamId);
    }
}
