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

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    private static final Map<String, String> LARGE =
            Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));

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
            new Topic<>("lw.frames", Serdes.String(), new ProtoSerde<>(Frame.parser()), LARGE);
    public static final Topic<String, FrameEmbedding> EMBEDDINGS =
            new Topic<>(
                    "lw.embeddings",
                    Serdes.String(),
                    new ProtoSerde<>(FrameEmbedding.parser()),
                    LARGE);
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
            new Topic<>("lw.events", Serdes.String(), new ProtoSerde<>(MemoryEvent.parser()), Map.of());
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
                    Map.of());
    /** Key: the raw key of the record that could not be processed. */
    public static final Topic<byte[], DeadLetter> DLQ =
            new Topic<>("lw.dlq", Serdes.ByteArray(), new ProtoSerde<>(DeadLetter.parser()), LARGE);

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
}
