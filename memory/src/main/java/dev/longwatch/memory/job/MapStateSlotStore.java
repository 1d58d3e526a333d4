package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.SlotStore;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * A {@link SlotStore} on keyed {@code MapState}: each slot is its own RocksDB entry under the
 * current stream's key, so a frame reads and writes only the slots it changes.
 */
final class MapStateSlotStore implements SlotStore {
    private final MapState<Long, float[]> state;

    MapStateSlotStore(MapState<Long, float[]> state) {
        this.state = state;
    }

    @Override
    public float[] get(long key) {
        try {
            return state.get(key);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read slot " + key + " from state", e);
        }
    }

    @Override
    public void put(long key, float[] vector) {
        try {
            state.put(key, vector);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot write slot " + key + " to state", e);
        }
    }

    @Override
    public void remove(long key) {
        try {
            state.remove(key);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot remove slot " + key + " from state", e);
        }
    }
}
