package dev.longwatch.memory.bank;

/**
 * Which adjacent pair a full frame-granularity bank merges. Either way the pair becomes its
 * count-weighted mean; the rules differ in what makes a pair the one to merge.
 */
public enum MergeRule {
    /**
     * The pair whose slots are most alike: the similarity of the two slots' means, recomputed for
     * the pairs a merge touches. MA-LMM's merge step ({@code memory_bank_compress}), applied at
     * frame granularity; the reference row {@code mbc} of {@code bench fidelity} and the default.
     */
    MBC,
    /**
     * This product's rule: the pair whose boundary is weakest. A boundary's strength is the
     * similarity of the frame before it and the frame after it (the left slot's last frame and the
     * right slot's first), fixed when the later frame arrives; merging a pair removes its boundary
     * and leaves every other as it was. So the bank keeps the M - 1 strongest cuts it has seen, and
     * a window merged from chapters by the same rule ({@code ChapterWindow}) keeps the strongest
     * cuts of the window: what a bank built over that window alone would keep. Needs the previous
     * frame ({@link BoundaryFrameBank#PREVIOUS_FRAME}); frame granularity only.
     */
    BOUNDARY
}
