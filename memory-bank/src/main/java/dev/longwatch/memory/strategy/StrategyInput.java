package dev.longwatch.memory.strategy;

import java.util.Objects;

/**
 * One frame for a {@link MemoryStrategy}: {@code tokens × dim} patch tokens, row-major.
 *
 * @param seq the frame's position in its stream
 * @param ptsMs media time of the frame
 */
public record StrategyInput(long seq, long ptsMs, int tokens, int dim, float[] values) {

    public StrategyInput {
        Objects.requireNonNull(values, "values");
        if (tokens < 1 || dim < 1 || (long) tokens * dim != values.length) {
            throw new IllegalArgumentException(
                    "frame of " + tokens + "x" + dim + " cannot hold " + values.length + " values");
        }
    }
}
