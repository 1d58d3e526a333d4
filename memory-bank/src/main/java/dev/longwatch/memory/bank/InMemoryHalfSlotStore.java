package dev.longwatch.memory.bank;

import java.util.HashMap;
import java.util.Map;

/** A {@link HalfSlotStore} on a hash map, for tests, benchmarks and single-process use. */
public final class InMemoryHalfSlotStore implements HalfSlotStore {
    private final Map<Long, short[]> halves = new HashMap<>();

    @Override
    public short[] get(long key) {
        return halves.get(key);
    }

    @Override
    public void put(long key, short[] values) {
        halves.put(key, values);
    }

    @Override
    public void remove(long key) {
        halves.remove(key);
    }

    public int size() {
        return halves.size();
    }
}
