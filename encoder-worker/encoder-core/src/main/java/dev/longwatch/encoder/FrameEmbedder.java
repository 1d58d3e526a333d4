package dev.longwatch.encoder;

import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder worker's work on a poll, without Kafka: {@code lw.frames} values in, one
 * {@link Outcome} per value out, in order. Frames are parsed and their JPEGs decoded over all
 * cores, encoded in batches of at most {@code maxBatch}, and packed as fp16 embeddings. A value
 * that cannot be parsed, decoded or encoded becomes a failure of its own; its neighbours go on.
 * One instance serves one thread at a time (as its encoder does).
 */
public final class FrameEmbedder implements AutoCloseable {
    private final VisionEncoder encoder;
    private final int maxBatch;
    // JPEG decoding (1.5-2 ms a 640x360 frame, as much as a frame's inference at batch 16) runs
    // before the session, so nothing hides it; spread over the cores it takes half the time.
    private final CoreShare decoders = new CoreShare("frame-decoder");
    private final Counter framesEncoded;
    private final Timer batchTimer;

    /** What became of one value: its embedding, or why it has none; both null for a tombstone. */
    public record Outcome(FrameEmbedding embedding, RuntimeException failure) {
        static final Outcome TOMBSTONE = new Outcome(null, null);
    }

    public FrameEmbedder(VisionEncoder encoder, int maxBatch, MeterRegistry metrics) {
        this.encoder = encoder;
        this.maxBatch = maxBatch;
        this.framesEncoded =
                Counter.builder("longwatch_encoder_frames").tag("encoder", encoder.id()).register(metrics);
        this.batchTimer =
                Timer.builder("longwatch_encoder_batch").tag("encoder", encoder.id()).register(metrics);
    }

    /** One outcome per value of {@code frameValues} (serialized {@link Frame}s; null is a tombstone), in order. */
    public List<Outcome> embed(List<byte[]> frameValues) {
        int count = frameValues.size();
        Outcome[] outcomes = new Outcome[count];
        Decoded[] decoded = new Decoded[count];
        decoders.forEach(count, i -> decoded[i] = Decoded.of(frameValues.get(i)));
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (decoded[i].failure() != null) {
                outcomes[i] = new Outcome(null, decoded[i].failure());
            } else if (decoded[i].frame() == null) {
                outcomes[i] = Outcome.TOMBSTONE;
            } else {
                ready.add(i);
            }
        }
        for (int start = 0; start < ready.size(); start += maxBatch) {
            encodeBatch(ready.subList(start, Math.min(ready.size(), start + maxBatch)), decoded, outcomes);
        }
        return List.of(outcomes);
    }

    private void encodeBatch(List<Integer> batch, Decoded[] decoded, Outcome[] outcomes) {
        List<BufferedImage> images = batch.stream().map(i -> decoded[i].image()).toList();
        float[][] tokens;
        try {
            tokens = batchTimer.record(() -> encoder.encode(images));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                outcomes[batch.get(0)] = new Outcome(null, e);
                return;
            }
            // One bad frame must not cost its neighbours: encode one by one to find it.
            for (int index : batch) {
                encodeBatch(List.of(index), decoded, outcomes);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            outcomes[batch.get(i)] = new Outcome(embedding(decoded[batch.get(i)].frame(), tokens[i]), null);
        }
        framesEncoded.increment(batch.size());
    }

    private FrameEmbedding embedding(Frame frame, float[] tokens) {
        return FrameEmbedding.newBuilder()
                .setStreamId(frame.getStreamId())
                .setSeq(frame.getSeq())
                .setPtsMs(frame.getPtsMs())
                .setWallMs(frame.getWallMs())
                .setGapBefore(frame.getGapBefore())
                // The memory job drops embeddings of a deleted stream incarnation by this.
                .setIncarnation(frame.getIncarnation())
                .setEncoderId(encoder.id())
                .setTokens(encoder.tokens())
                .setDim(encoder.dim())
                .setDtype(DType.F16)
                .setData(TokenCodec.encode(tokens, DType.F16))
                .build();
    }

    /**
     * The pixels of one {@code lw.frames} value, {@code null} for a tombstone.
     *
     * @throws RuntimeException when it is not a frame or its JPEG cannot be read
     */
    public static BufferedImage decode(byte[] value) {
        return Decoded.of(value).orThrow();
    }

    /** A value as parsed and decoded: its frame and pixels, or why it has none. */
    private record Decoded(Frame frame, BufferedImage image, RuntimeException failure) {

        /** Never throws: a poison value becomes a failure. */
        static Decoded of(byte[] value) {
            try {
                Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(Topics.FRAMES.name(), value);
                return new Decoded(frame, frame == null ? null : FrameDecoder.decode(frame), null);
            } catch (RuntimeException e) {
                return new Decoded(null, null, e);
            }
        }

        BufferedImage orThrow() {
            if (failure != null) {
                throw failure;
            }
            return image;
        }
    }

    @Override
    public void close() {
        decoders.close();
    }
}
