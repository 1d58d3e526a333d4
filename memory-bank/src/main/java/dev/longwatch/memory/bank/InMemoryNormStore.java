package dev.longwatch.memory.bank;

import java.util.HashMap;
import java.util.Map;

/** A {@link NormStore} on a hash map, for tests, benchmarks and single-process use. */
public final class InMemoryNormStore implements NormStore {
    private final Map<Long, double[]> norms = new HashMap<>();

    @Override
    public double[] get(long id) {
        return norms.get(id);
    }

    @Override
    public void put(long id, double[] values) {
        norms.put(id, values);
    }

    @Override
    public void remove(long id) {
        norms.remove(id);
    }

    public int size() {
        return norms.size();
    }
}
