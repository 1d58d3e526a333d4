package dev.longwatch.memory.bank;

/**
 * A bank's stores seen as {@link SlotTensor}s of one shape for the length of an append: reads a
 * slot with its cached norms, writes a slot and its norms, and builds new slots in the store's
 * form. An F16 store on a {@link HalfSlotStore} is read and written as bits; any other store as
 * floats (rounded through binary16 when its dtype is F16, so what the bank holds is what the store
 * keeps).
 */
final class SlotTensors {
    private final TensorStore tensors;
    private final HalfSlotStore halves;
    private final NormStore norms;
    private final boolean roundToHalf;
    private final int tokens;
    private final int dim;
    private final boolean withMeans;

    /**
     * @param tokens token rows per slot (1 for a token-mode entry)
     * @param dim values per row
     * @param withMeans whether new slots need their token mean (frame mode keeps it as the
     *     descriptor), summed along with the values
     */
    SlotTensors(BankStorage storage, int tokens, int dim, boolean withMeans) {
        this.tensors = storage.tensors();
        this.halves = tensors instanceof HalfTensorStore half ? half.halves() : null;
        this.norms = storage.norms();
        this.roundToHalf = tensors.dtype() == StorageDtype.F16;
        this.tokens = tokens;
        this.dim = dim;
        this.withMeans = withMeans;
    }

    int tokens() {
        return tokens;
    }

    int dim() {
        return dim;
    }

    /** The slot under {@code id}; its norms come from the norm store when it kept them. */
    SlotTensor read(long id) {
        SlotTensor tensor = readIfPresent(id);
        if (tensor == null) {
            // The index and the store are written together; a miss means they were split.
            throw new IllegalStateException(
                    "slot " + id + " is in the bank index but not in its store");
        }
        return tensor;
    }

    /** {@link #read}, or null when the store holds nothing under {@code id}. */
    SlotTensor readIfPresent(long id) {
        double[] cached = norms.get(id);
        SlotTensor tensor;
        if (halves != null) {
            short[] bits = halves.get(id);
            tensor = bits == null ? null : SlotTensor.ofHalves(bits, cached);
        } else {
            float[] values = tensors.get(id);
            tensor = values == null ? null : SlotTensor.ofFloats(values, cached);
        }
        return tensor;
    }

    void write(long id, SlotTensor tensor) {
        if (halves != null) {
            halves.put(id, tensor.halves());
        } else {
            tensors.put(id, tensor.floats());
        }
        norms.put(id, tensor.norms(tokens, dim));
    }

    void remove(long id) {
        tensors.remove(id);
        norms.remove(id);
    }

    /**
     * The new entry as it arrived, {@code values[from, from + tokens·dim)} in float (its norms are
     * summed by its first similarity), not yet in stored form: an entry merged away in the step it
     * arrives is never rounded or written, and its merge starts from the exact values. The array
     * is read, never mutated.
     */
    SlotTensor arriving(float[] values, int from) {
        int length = tokens * dim;
        float[] view =
                from == 0 && values.length == length
                        ? values
                        : java.util.Arrays.copyOfRange(values, from, from + length);
        // Norms unknown: the first similarity sums them along with its dot products.
        return SlotTensor.ofFloats(view, null);
    }

    /**
     * Writes an {@link #arriving} entry under {@code id} in stored form (a copy, rounded when the
     * store is F16) and returns it as stored.
     */
    SlotTensor store(long id, SlotTensor arriving) {
        SlotTensor stored;
        if (halves != null) {
            stored = SlotMath.toHalves(arriving.floats(), 0, tokens, dim, withMeans);
        } else if (roundToHalf) {
            stored = SlotMath.toRoundedFloats(arriving.floats(), 0, tokens, dim);
        } else {
            // Same values, so the same norms; the copy is the store's own (F32 keeps the array).
            stored = SlotTensor.ofFloats(arriving.floats().clone(), arriving.knownNorms());
        }
        write(id, stored);
        return stored;
    }

    /**
     * {@link #store} with the similarity of {@code previous} to the entry as stored, summed in the
     * storing pass where {@link StoreAfter} applies (bits store, binary16 {@code previous}).
     */
    StoreAfter.Result storeAfter(long id, SlotTensor arriving, SlotTensor previous) {
        if (halves != null && previous.isHalf() && !arriving.isHalf()) {
            StoreAfter.Result result = StoreAfter.store(arriving.floats(), previous, tokens, dim, withMeans);
            write(id, result.stored());
            return result;
        }
        SlotTensor stored = store(id, arriving);
        return new StoreAfter.Result(stored, similarity(previous, stored));
    }

    /** Whether storing changes an arriving entry's values (an F16 store rounds them). */
    boolean rounds() {
        return roundToHalf;
    }

    /** The count-weighted mean of two slots, in stored form. */
    SlotTensor merge(SlotTensor a, long na, SlotTensor b, long nb) {
        return SlotMath.merge(a, na, b, nb, tokens, dim, roundToHalf, withMeans);
    }

    /**
     * {@link #merge} of {@code a} and {@code b}, with the similarity of {@code left} to the result
     * and of the result to {@code right} (NaN where that neighbour is null): in one pass where
     * {@link NeighbourMerge} applies, else merged and compared apart, with the same values.
     */
    NeighbourMerge.Result mergeBeside(
            SlotTensor left, SlotTensor a, long na, SlotTensor b, long nb, SlotTensor right) {
        if (halves != null && NeighbourMerge.applies(left, a, b, right)) {
            return NeighbourMerge.merge(left, a, na, b, nb, right, tokens, dim, withMeans);
        }
        SlotTensor merged = merge(a, na, b, nb);
        return new NeighbourMerge.Result(
                merged,
                left == null ? Double.NaN : similarity(left, merged),
                right == null ? Double.NaN : similarity(merged, right));
    }

    double similarity(SlotTensor a, SlotTensor b) {
        return SlotMath.meanCosine(a, b, tokens, dim);
    }
}
