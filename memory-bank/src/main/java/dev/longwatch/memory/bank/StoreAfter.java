package dev.longwatch.memory.bank;

/**
 * A new entry rounded into binary16 for the store while, in the same pass, its dot products with
 * the entry before it are summed: the similarity the lane caches for that pair once storing has
 * rounded the values. Done apart, the stored entry is read again just for that similarity.
 *
 * <p>Sums run as {@link SlotMath#toHalves} and {@link SlotMath#meanCosine} run them (per token,
 * float products of stored values in the eight sums of {@link VectorMath#dot}, cosines in token
 * order), so the stored bits, norms, mean and similarity are the same to the last bit.
 */
final class StoreAfter {
    private StoreAfter() {}

    /**
     * @param stored the entry as stored, with norms (and token mean when asked)
     * @param similarity similarity of the previous entry to {@code stored}
     */
    record Result(SlotTensor stored, double similarity) {}

    /** {@code values} (one entry, {@code tokens × dim}) stored after the binary16 {@code previous}. */
    static Result store(float[] values, SlotTensor previous, int tokens, int dim, boolean withMean) {
        HalfSlotBuilder.Built built =
                HalfSlotBuilder.build(
                        HalfSlotBuilder.copyOf(values, 0, dim), previous, null, tokens, dim, withMean);
        return new Result(built.slot(), built.left());
    }
}
