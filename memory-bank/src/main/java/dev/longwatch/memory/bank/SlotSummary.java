package dev.longwatch.memory.bank;

/**
 * What a snapshot says about one slot position: a small summary, never the token tensor.
 *
 * @param startMs media time of the first frame in the slot
 * @param endMs media time of the last frame in the slot
 * @param frameCount frames averaged into the slot
 * @param keyframeSeq the frame that stands for the slot
 * @param descriptor the mean over the slot's tokens ({@code dim} floats)
 */
public record SlotSummary(
        long startMs, long endMs, long frameCount, long keyframeSeq, float[] descriptor) {}
