package dev.longwatch.memory.bank;

import java.util.Objects;

/**
 * One frame to append: {@code tokens × dim} values, row-major (token after token).
 *
 * @param seq the frame's sequence number in its stream; appends must increase it
 * @param ptsMs the media time of the frame, which becomes the slot's span
 * @param gapBefore the source lost frames just before this one
 */
public record BankFrame(
        long seq, long ptsMs, int tokens, int dim, float[] values, boolean gapBefore) {

    public BankFrame {
        Objects.requireNonNull(values, "values");
        if (tokens < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "a frame needs at least one token of one value, got " + tokens + "x" + dim);
        }
        if ((long) tokens * dim != values.length) {
            throw new IllegalArgumentException(
                    "frame of "
                            + tokens
                            + "x"
                            + dim
                            + " needs "
                            + (long) tokens * dim
                            + " values, has "
                            + values.length);
        }
    }
}
