package dev.longwatch.memory.bank;

import java.util.Objects;

/** F32 tensors: a pass-through to a float {@link SlotStore}. */
final class FloatTensorStore implements TensorStore {
    private final SlotStore store;

    FloatTensorStore(SlotStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public StorageDtype dtype() {
        return StorageDtype.F32;
    }

    @Override
    public float[] get(long id) {
        return store.get(id);
    }

    @Override
    public float[] put(long id, float[] values) {
        store.put(id, values);
        return values;
    }

    @Override
    public void remove(long id) {
        store.remove(id);
    }
}
