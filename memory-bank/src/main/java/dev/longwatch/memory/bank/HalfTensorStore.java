package dev.longwatch.memory.bank;

import java.util.Objects;

/** F16 tensors: rounds on put, widens on get (through {@link Half}). */
final class HalfTensorStore implements TensorStore {
    private final HalfSlotStore store;

    HalfTensorStore(HalfSlotStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The binary16 store underneath, for the bank's arithmetic on the stored bits. */
    HalfSlotStore halves() {
        return store;
    }

    @Override
    public StorageDtype dtype() {
        return StorageDtype.F16;
    }

    @Override
    public float[] get(long id) {
        short[] halves = store.get(id);
        return halves == null ? null : Half.widen(halves);
    }

    @Override
    public float[] put(long id, float[] values) {
        short[] halves = new short[values.length];
        float[] stored = new float[values.length];
        Half.narrow(values, halves, stored);
        store.put(id, halves);
        return stored;
    }

    @Override
    public void remove(long id) {
        store.remove(id);
    }
}
