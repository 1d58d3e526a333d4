package dev.longwatch.query.views;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the JPEG of every frame in the {@value ViewsTopology#KEYFRAMES_STORE} store under
 * {@link FrameKeys#key}. Every frame, not only current keyframes: which frame ends up as a slot's
 * keyframe is decided later by the memory job, and merges move it.
 *
 * <p>Runs on the partition of lw.frames the frame arrived on, keyed by stream id like lw.memory,
 * so no repartition is needed. Frames that break the topic contract (no key, negative seq) are
 * forwarded as dead letters instead of stored.
 */
final class KeyframeStoreProcessor implements Processor<String, Frame, byte[], DeadLetter> {
    private ProcessorContext<byte[], DeadLetter> context;
    // Lives as long as the task; restored from its changelog topic after a move or a lost disk.
    private KeyValueStore<String, byte[]> jpegs;

    @Override
    public void init(ProcessorContext<byte[], DeadLetter> context) {
        this.context = context;
        this.jpegs = context.getStateStore(ViewsTopology.KEYFRAMES_STORE);
    }

    @Override
    public void process(Record<String, Frame> record) {
        Frame frame = record.value();
        if (frame == null) {
            return; // lw.frames is not compacted: a null value carries nothing to keep.
        }
        if (record.key() == null || frame.getSeq() < 0) {
            context.forward(deadLetter(record, "frame without stream key or with negative seq"));
            return;
        }
        // Retention is a later issue: for now every frame of every stream is kept.
        jpegs.put(FrameKeys.key(record.key(), frame.getSeq()), frame.getJpeg().toByteArray());
    }

    private Record<byte[], DeadLetter> deadLetter(Record<String, Frame> record, String reason) {
        byte[] key =
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter.Builder letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(Topics.FRAMES.name())
                        .setValue(record.value().toByteString())
                        .setReason(reason)
                        .setComponent(DeadLetterDeserializationHandler.COMPONENT)
                        .setAtMs(record.timestamp());
        if (key != null) {
            letter.setKey(ByteString.copyFrom(key));
        }
        context.recordMetadata()
                .ifPresent(m -> letter.setPartition(m.partition()).setOffset(m.offset()));
        return new Record<>(key, letter.build(), record.timestamp());
    }
}
