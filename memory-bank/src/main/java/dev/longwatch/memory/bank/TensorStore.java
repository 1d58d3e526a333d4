package dev.longwatch.memory.bank;

/**
 * Slot id → tensor, kept in a {@link StorageDtype}. The bank computes in float and hands floats in
 * and out; a narrow store rounds on {@link #put}, and the bank continues from the values it returns,
 * so cached similarities always describe what is stored.
 */
public interface TensorStore {

    StorageDtype dtype();

    /** The tensor under {@code id} as floats, or null when there is none. Callers never mutate it. */
    float[] get(long id);

    /**
     * Stores {@code values} under {@code id}, replacing any previous tensor.
     *
     * @return the values as stored (what {@link #get} will return): {@code values} itself for F32,
     *     the rounded copy for narrower types
     */
    float[] put(long id, float[] values);

    /** Forgets {@code id}; a missing id is not an error. */
    void remove(long id);

    /** Full-precision tensors on a float store (for example Flink {@code MapState<Long, float[]>}). */
    static TensorStore f32(SlotStore store) {
        return new FloatTensorStore(store);
    }

    /** Half-precision tensors on a store of binary16 bits. */
    static TensorStore f16(HalfSlotStore store) {
        return new HalfTensorStore(store);
    }

    /** An in-memory store of the given type. */
    static TensorStore inMemory(StorageDtype dtype) {
        return switch (dtype) {
            case F32 -> f32(new InMemorySlotStore());
            case F16 -> f16(new InMemoryHalfSlotStore());
        };
    }
}
