package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.NormStore;

import org.apache.flink.api.common.state.MapState;

/**
 * Each slot's per-token norms on keyed {@code MapState<Long, double[]>}, next to its tensor: a
 * similarity with a stored slot then reads only the slot's values for the dot products.
 */
final class MapStateNormStore implements NormStore {
    private final StateEntries<double[]> entries;

    MapStateNormStore(MapState<Long, double[]> state) {
        this.entries = new StateEntries<>(state, "norms of slot");
    }

    @Override
    public double[] get(long id) {
        return entries.get(id);
    }

    @Override
    public void put(long id, double[] norms) {
        entries.put(id, norms);
    }

    @Override
    public void remove(long id) {
        entries.remove(id);
    }
}
