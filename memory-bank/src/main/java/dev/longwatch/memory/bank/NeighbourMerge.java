package dev.longwatch.memory.bank;

/**
 * The merge of two adjacent binary16 slots that also sums, in the same pass over the merged
 * values, their dot products with the neighbouring slots: the similarities the lane caches next.
 * Done apart, each neighbour similarity re-reads the merged slot; done here, a compression step
 * reads every slot it touches once (on the benchmark's shapes, two of six passes fewer).
 *
 * <p>The sums run exactly as {@link SlotMath#meanCosine} and {@link SlotMath#merge} run them (per
 * token, float products of stored values in the eight interleaved sums of {@link VectorMath#dot},
 * then the cosine per token in token order), so values, norms, means and similarities are the
 * same to the last bit;
 * {@code MaLmmOracleTest} and the property tests hold either way.
 *
 * <p>Covers every step of a binary16 bank: a new frame (floats) merged into the last slot, which
 * has only a left neighbour, and two stored slots merged with a neighbour on either side or both
 * (the first pair has none on the left). {@link SlotTensors#mergeBeside} merges and compares apart
 * only for stores it cannot read as bits.
 */
final class NeighbourMerge {
    private NeighbourMerge() {}

    /**
     * @param merged the merged slot, binary16, with norms (and token mean when asked)
     * @param left similarity of the left neighbour to {@code merged}; NaN without a left neighbour
     * @param right similarity of {@code merged} to the right neighbour; NaN without one
     */
    record Result(SlotTensor merged, double left, double right) {}

    /**
     * Whether {@link #merge} handles these sides: {@code a} and every neighbour binary16 (a
     * missing neighbour is null), {@code b} binary16 or, as the newest entry, floats.
     */
    static boolean applies(SlotTensor left, SlotTensor a, SlotTensor b, SlotTensor right) {
        return a.isHalf()
                && (left == null || left.isHalf())
                && (b.isHalf() ? right == null || right.isHalf() : right == null);
    }

    /** {@code (na·a + nb·b) / (na + nb)} beside its neighbours; see {@link #applies}. */
    static Result merge(
            SlotTensor left,
            SlotTensor a,
            long na,
            SlotTensor b,
            long nb,
            SlotTensor right,
            int tokens,
            int dim,
            boolean withMean) {
        HalfSlotBuilder.Built built =
                HalfSlotBuilder.build(
                        HalfSlotBuilder.weightedMean(a, na, b, nb, dim),
                        left,
                        right,
                        tokens,
                        dim,
                        withMean);
        return new Result(built.slot(), built.left(), built.right());
    }
}
