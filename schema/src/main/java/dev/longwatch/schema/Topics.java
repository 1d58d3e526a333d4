package dev.longwatch.schema;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import dev.longwatch.schema.proto.Subscription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic registry: every Longwatch topic, typed, with its configs. Keys are stream ids unless
 * said otherwise, so all records of one stream land in one partition, in order.
 */
public final class Topics {
    /** Frames carry JPEGs; 8 MiB leaves room for a 4K frame at high quality. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;

    /**
     * Tables (one value per key that matters: streams, statuses, snapshots, chapters,
     * subscriptions): compacted, so they hold the latest value of each key forever and a deleted
     * key's tombstone goes after a day.
     */
    private static final Map<String, String> COMPACTED =
            Map.of("cleanup.policy", "compact", "delete.retention.ms", Long.toString(DAY_MS));

    /**
     * Logs of footage (frames, embeddings): a day or 2 GiB per partition, whichever comes first,
     * so a backlog the pipeline cannot keep up with never fills the disk. Keyframes the memory
     * refers to are kept by the query service, not here. 128 MiB segments, rolled at least hourly,
     * so retention can delete in small steps (it deletes whole segments only).
     */
    private static final Map<String, String> FOOTAGE =
            Map.of(
                    "max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES),
                    "retention.ms", Long.toString(DAY_MS),
                    "retention.bytes", Long.toString(2L << 30),
                    "segment.bytes", Integer.toString(128 << 20),
                    "segment.ms", Long.toString(HOUR_MS));

    /**
     * Logs of what happened (events, event answers, dead letters): a week, so a subscriber or an
     * operator can look back, and at most 1 GiB per partition. Event answers are the SSE replay
     * history ({@code Last-Event-ID}).
     */
    private static final Map<String, String> HISTORY =
            Map.of(
                    "retention.ms", Long.toString(7 * DAY_MS),
                    "retention.bytes", Long.toString(1L << 30),
                    "segment.bytes", Integer.toString(64 << 20),
                    "segment.ms", Long.toString(6 * HOUR_MS));

    /** Dead letters: the history's retention, and room for a record at the size limit. */
    private static final Map<String, String> DEAD_LETTERS = withLargeMessages(HISTORY);

    public static final Topic<String, StreamSpec> STREAMS =
            new Topic<>("lw.streams", Serdes.String(), new ProtoSerde<>(StreamSpec.parser()), COMPACTED);
    /** Written by ingest: the state of each stream (running, completed, failed and why). */
    public static final Topic<String, StreamStatus> STREAM_STATUS =
            new Topic<>(
                    "lw.stream-status",
                    Serdes.String(),
                    new ProtoSerde<>(StreamStatus.parser()),
                    COMPACTED);
    public static final Topic<String, Frame> FRAMES =
            new Topic<>("lw.frames", Serdes.String(), new ProtoSerde<>(Frame.parser()), FOOTAGE);
    public static final Topic<String, FrameEmbedding> EMBEDDINGS =
            new Topic<>(
                    "lw.embeddings",
                    Serdes.String(),
                    new ProtoSerde<>(FrameEmbedding.parser()),
                    FOOTAGE);
    public static final Topic<String, MemorySnapshot> MEMORY =
            new Topic<>(
                    "lw.memory",
                    Serdes.String(),
                    new ProtoSerde<>(MemorySnapshot.parser()),
                    COMPACTED);
    /** Key: {@code streamId/index}. */
    public static final Topic<String, Chapter> CHAPTERS =
            new Topic<>("lw.chapters", Serdes.String(), new ProtoSerde<>(Chapter.parser()), COMPACTED);
    public static final Topic<String, MemoryEvent> EVENTS =
            new Topic<>("lw.events", Serdes.String(), new ProtoSerde<>(MemoryEvent.parser()), HISTORY);
    /** Key: subscription id. */
    public static final Topic<String, Subscription> SUBSCRIPTIONS =
            new Topic<>(
                    "lw.subscriptions",
                    Serdes.String(),
                    new ProtoSerde<>(Subscription.parser()),
                    COMPACTED);
    public static final Topic<String, EventAnswer> EVENT_ANSWERS =
            new Topic<>(
                    "lw.event-answers",
                    Serdes.String(),
                    new ProtoSerde<>(EventAnswer.parser()),
                    HISTORY);
    /** Key: the raw key of the record that could not be processed. */
    public static final Topic<byte[], DeadLetter> DLQ =
            new Topic<>("lw.dlq", Serdes.ByteArray(), new ProtoSerde<>(DeadLetter.parser()), DEAD_LETTERS);

    public static final List<Topic<?, ?>> ALL =
            List.of(
                    STREAMS,
                    STREAM_STATUS,
                    FRAMES,
                    EMBEDDINGS,
                    MEMORY,
                    CHAPTERS,
                    EVENTS,
                    SUBSCRIPTIONS,
                    EVENT_ANSWERS,
                    DLQ);

    private Topics() {}

    private static Map<String, String> withLargeMessages(Map<String, String> configs) {
        Map<String, String> large = new HashMap<>(configs);
        large.put("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        return Map.copyOf(large);
    }
}
