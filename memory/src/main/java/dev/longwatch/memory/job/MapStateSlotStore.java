package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.SlotStore;

import org.apache.flink.api.common.state.MapState;

/**
 * A {@link SlotStore} on keyed {@code MapState}: each vector is its own RocksDB entry under the
 * current stream's key, so a frame reads and writes only the slots it changes. Holds the slots'
 * descriptors, and the F32 tensors of state schema version 4 and before while they are adopted.
 */
final class MapStateSlotStore implements SlotStore {
    private final StateEntries<float[]> entries;

    MapStateSlotStore(MapState<Long, float[]> state) {
        this.entries = new StateEntries<>(state, "slot");
    }

    @Override
    public float[] get(long key) {
        return entries.get(key);
    }

    @Override
    public void put(long key, float[] vector) {
        entries.put(key, vector);
    }

    @Override
    public void remove(long key) {
        entries.remove(key);
    }
}
