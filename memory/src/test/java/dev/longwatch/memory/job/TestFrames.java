package dev.longwatch.memory.job;

import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.FrameEmbedding;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test builders with fixed times (FT LongRidesTestBase style). */
final class TestFrames {
    static final String ENCODER = "test-encoder";
    static final int TOKENS = 4;
    static final int DIM = 8;
    static final long FRAME_MS = 500;

    /** Capture wall clock (event time) of frame 0; frames are {@link #FRAME_MS} apart in it too. */
    static final long WALL_START_MS = 1_000_000;

    private TestFrames() {}

    /** A frame whose every token is {@code direction} (a unit axis), so similarities are exact. */
    static EmbeddingEvent axisFrame(String streamId, long seq, int axis) {
        float[] values = new float[TOKENS * DIM];
        for (int t = 0; t < TOKENS; t++) {
            values[t * DIM + axis] = 1f;
        }
        return frame(streamId, seq, values, false);
    }

    static EmbeddingEvent frame(String streamId, long seq, float[] values, boolean gapBefore) {
        return frame(streamId, seq, values, gapBefore, WALL_START_MS);
    }

    /**
     * Frame {@code seq} at {@link #FRAME_MS} per frame, captured {@code wallStartMs + seq ·
     * FRAME_MS} (tests on a real broker start at the current time: the capture time becomes the
     * output records' Kafka timestamp, and topic retention would delete records from 1970).
     */
    static EmbeddingEvent frame(String streamId, long seq, float[] values, boolean gapBefore, long wallStartMs) {
        return new EmbeddingEvent(
                streamId,
                seq,
                seq * FRAME_MS,
                wallStartMs + seq * FRAME_MS,
                ENCODER,
                TOKENS,
                values.length / TOKENS,
                values,
                gapBefore);
    }

    /** Deterministic pseudo-random frames: a scene per block of frames plus noise. */
    static float[] sceneValues(String streamId, long seq) {
        Random scene = new Random(streamId.hashCode() * 31L + seq / 7);
        Random noise = new Random(streamId.hashCode() * 17L + seq);
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) scene.nextGaussian() + 0.3f * (float) noise.nextGaussian();
        }
        return values;
    }

    static FrameEmbedding proto(EmbeddingEvent event, DType dtype) {
        return FrameEmbedding.newBuilder()
                .setStreamId(event.streamId())
                .setSeq(event.seq())
                .setPtsMs(event.ptsMs())
                .setWallMs(event.wallMs())
                .setEncoderId(event.encoderId())
                .setTokens(event.tokens())
                .setDim(event.dim())
                .setDtype(dtype)
                .setData(TokenCodec.encode(event.values(), dtype))
                .setGapBefore(event.gapBefore())
                .setIncarnation(event.incarnation())
                .build();
    }

    /** The same frame, of stream incarnation {@code incarnation} (its spec's created_ms). */
    static EmbeddingEvent withIncarnation(EmbeddingEvent e, long incarnation) {
        return new EmbeddingEvent(
                e.streamId(), e.seq(), e.ptsMs(), e.wallMs(), e.encoderId(), e.tokens(), e.dim(), e.values(),
                e.gapBefore(), incarnation);
    }

    static RawKafkaRecord raw(String key, byte[] value, long offset) {
        return new RawKafkaRecord(
                Topics.EMBEDDINGS.name(),
                0,
                offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value);
    }

    static RawKafkaRecord raw(EmbeddingEvent event, long offset) {
        return raw(event.streamId(), proto(event, DType.F32).toByteArray(), offset);
    }
}
