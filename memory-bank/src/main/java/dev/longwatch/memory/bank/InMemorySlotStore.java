package dev.longwatch.memory.bank;

import java.util.HashMap;
import java.util.Map;

/** A {@link SlotStore} on a hash map, for tests, benchmarks and single-process use. */
public final class InMemorySlotStore implements SlotStore {
    private final Map<Long, float[]> vectors = new HashMap<>();

    @Override
    public float[] get(long key) {
        return vectors.get(key);
    }

    @Override
    public void put(long key, float[] vector) {
        vectors.put(key, vector);
    }

    @Override
    public void remove(long key) {
        vectors.remove(key);
    }

    public int size() {
        return vectors.size();
    }
}
