package dev.longwatch.memory.strategy;

/**
 * One slot of a {@link MemoryStrategy}: what it would hand to a language model for a span.
 *
 * @param startMs media time of the first frame the slot stands for
 * @param endMs media time of the last frame the slot stands for
 * @param frameCount frames pooled or merged into the slot
 * @param keyframeSeq the frame that stands for the slot
 * @param tokens token vectors in {@code values} (after any spatial pooling)
 * @param values {@code tokens × dim} floats, row-major
 */
public record MemorySlot(
        long startMs, long endMs, long frameCount, long keyframeSeq, int tokens, float[] values) {}
