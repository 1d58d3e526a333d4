package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.HalfSlotStore;

import org.apache.flink.api.common.state.MapState;

/**
 * The bank's binary16 slot tensors on keyed {@code MapState<Long, short[]>} ({@link
 * HalfArraySerializer}): one RocksDB entry per slot, half the bytes of F32.
 */
final class MapStateHalfSlotStore implements HalfSlotStore {
    private final StateEntries<short[]> entries;

    MapStateHalfSlotStore(MapState<Long, short[]> state) {
        this.entries = new StateEntries<>(state, "slot");
    }

    @Override
    public short[] get(long key) {
        return entries.get(key);
    }

    @Override
    public void put(long key, short[] halves) {
        entries.put(key, halves);
    }

    @Override
    public void remove(long key) {
        entries.remove(key);
    }
}
