package dev.longwatch.memory.bank;

/**
 * What a snapshot says about one slot position: a small summary, never the token tensor.
 *
 * @param startMs media time of the first frame in the slot
 * @param endMs media time of the last frame in the slot
 * @param frameCount frames averaged into the slot
 * @param keyframeSeq the frame that stands for the slot
 * @param descriptor the mean over the slot's tokens ({@code dim} floats)
 * @param endSimilarity under {@link MergeRule#BOUNDARY}, the strength of the boundary after the
 *     slot: the similarity of its last frame and the frame that followed; NaN under {@link
 *     MergeRule#MBC} and for the newest slot, which nothing follows yet
 */
public record SlotSummary(
        long startMs,
        long endMs,
        long frameCount,
        long keyframeSeq,
        float[] descriptor,
        double endSimilarity) {

    /** A slot without a boundary strength (NaN). */
    public SlotSummary(
            long startMs, long endMs, long frameCount, long keyframeSeq, float[] descriptor) {
        this(startMs, endMs, frameCount, keyframeSeq, descriptor, Double.NaN);
    }

    /** This slot with {@code value} as the strength of the boundary after it. */
    public SlotSummary withEndSimilarity(double value) {
        return new SlotSummary(startMs, endMs, frameCount, keyframeSeq, descriptor, value);
    }
}
