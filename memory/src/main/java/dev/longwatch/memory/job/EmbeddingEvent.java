package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.FrameEmbedding;

/**
 * One frame's patch tokens, parsed and checked: what flows from the decoder to the bank operator
 * (protobuf objects never cross an operator boundary).
 *
 * @param values {@code tokens × dim} floats, row-major
 * @param gapBefore the source lost frames just before this one
 * @param incarnation the stream incarnation (spec {@code created_ms}) the frame belongs to; 0 when
 *     written before incarnations existed
 */
public record EmbeddingEvent(
        String streamId,
        long seq,
        long ptsMs,
        long wallMs,
        String encoderId,
        int tokens,
        int dim,
        float[] values,
        boolean gapBefore,
        long incarnation) {

    /** A frame of no known incarnation (0). */
    public EmbeddingEvent(
            String streamId,
            long seq,
            long ptsMs,
            long wallMs,
            String encoderId,
            int tokens,
            int dim,
            float[] values,
            boolean gapBefore) {
        this(streamId, seq, ptsMs, wallMs, encoderId, tokens, dim, values, gapBefore, 0);
    }

    public BankFrame toBankFrame() {
        return new BankFrame(seq, ptsMs, tokens, dim, values, gapBefore);
    }

    /** Back to the wire form (as F32), for a dead letter raised after parsing. */
    public FrameEmbedding toProto() {
        return FrameEmbedding.newBuilder()
                .setStreamId(streamId)
                .setSeq(seq)
                .setPtsMs(ptsMs)
                .setWallMs(wallMs)
                .setEncoderId(encoderId)
                .setTokens(tokens)
                .setDim(dim)
                .setDtype(DType.F32)
                .setData(TokenCodec.encode(values, DType.F32))
                .setGapBefore(gapBefore)
                .setIncarnation(incarnation)
                .build();
    }
}
