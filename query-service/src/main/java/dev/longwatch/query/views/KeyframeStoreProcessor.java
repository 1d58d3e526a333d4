package dev.longwatch.query.views;

import dev.longwatch.query.config.KeyframeRetention;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the JPEG of each frame in the {@value ViewsTopology#KEYFRAMES_STORE} store under {@link
 * FrameKeys#key}, and deletes the ones no slot can point to any more ({@link KeyframeSweep}).
 * Every frame is stored on arrival: which frame ends up as a slot's keyframe is decided later by
 * the memory job.
 *
 * <p>Runs on the partition of lw.frames the frame arrived on, keyed by stream id like lw.memory.
 * It reads the {@value ViewsTopology#MEMORY_STORE} table, which puts lw.frames and lw.memory in
 * one task per partition number: a stream's keyframes and its memory live on the same instance,
 * and that instance is the stream's owner for every request. Frames that break the topic contract
 * (no key, negative seq) are forwarded as dead letters instead of stored; frames of an older
 * incarnation than the stream's spec (a deleted predecessor of the same id) are not stored.
 */
final class KeyframeStoreProcessor implements Processor<String, Frame, byte[], DeadLetter> {
    private final KeyframeRetention retention;
    private ProcessorContext<byte[], DeadLetter> context;
    // Lives as long as the task; restored from its changelog topic after a move or a lost disk.
    // The timestamp of an entry is its frame's record time: what the retention grace is measured on.
    private TimestampedKeyValueStore<String, byte[]> jpegs;
    // The global lw.streams table: which incarnation of each stream exists.
    private KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs;

    KeyframeStoreProcessor(KeyframeRetention retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
        this.context = context;
        this.jpegs = context.getStateStore(ViewsTopology.KEYFRAMES_STORE);
        KeyValueStore<String, ValueAndTimestamp<MemorySnapshot>> memory =
                context.getStateStore(ViewsTopology.MEMORY_STORE);
        KeyValueStore<String, ValueAndTimestamp<Chapter>> chapters =
                context.getStateStore(ViewsTopology.CHAPTERS_STORE);
        KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs =
                context.getStateStore(ViewsTopology.STREAMS_STORE);
        this.specs = specs;
        KeyframeSweep sweep =
                new KeyframeSweep(jpegs, memory, chapters, specs, retention.grace(), retention.sweepInterval());
        // Wall clock, so frames of a stream that stopped still go once their grace is over; the
        // grace itself is judged by stream time (the newest record this task has seen).
        context.schedule(
                retention.sweepInterval(),
                PunctuationType.WALL_CLOCK_TIME,
                now -> sweep.run(context.currentStreamTimeMs(), now));
    }

    @Override
    public void process(Record<String, Frame> record) {
        Frame frame = record.value();
        if (frame == null) {
            return; // lw.frames is not compacted: a null value carries nothing to keep.
        }
        if (record.key() == null || frame.getSeq() < 0 || frame.getIncarnation() < 0) {
            context.forward(deadLetter(record, "frame without stream key or with negative seq or incarnation"));
            return;
        }
        ValueAndTimestamp<StreamSpec> spec = specs.get(record.key());
        if (spec != null && spec.value() != null && frame.getIncarnation() != 0
                && frame.getIncarnation() < spec.value().getCreatedMs()) {
            return; // a late frame of a deleted predecessor of this stream: nothing may show it
        }
        // Deleted by KeyframeSweep once no slot of the memory or its chapters points to it.
        jpegs.put(
                FrameKeys.key(record.key(), frame.getIncarnation(), frame.getSeq()),
                ValueAndTimestamp.make(frame.getJpeg().toByteArray(), record.timestamp()));
    }

    private Record<byte[], DeadLetter> deadLetter(Record<String, Frame> record, String reason) {
        byte[] key =
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetters.Origin origin =
                context.recordMetadata()
                        .map(m -> new DeadLetters.Origin(Topics.FRAMES.name(), m.partition(), m.offset()))
                        .orElse(DeadLetters.Origin.unknown(Topics.FRAMES.name()));
        DeadLetter letter =
                DeadLetters.of(
                        origin,
                        key,
                        record.value().toByteArray(),
                        reason,
                        DeadLetterDeserializationHandler.COMPONENT,
                        record.timestamp());
        return new Record<>(DeadLetters.recordKey(key), letter, record.timestamp());
    }
}
