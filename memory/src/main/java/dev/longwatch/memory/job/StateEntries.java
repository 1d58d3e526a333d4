package dev.longwatch.memory.job;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Keyed {@code MapState} of the current stream, slot id → value, with the backend's checked
 * exceptions turned into runtime ones: the bank's stores have no checked exceptions, and a state
 * backend that cannot read or write fails the task either way.
 */
final class StateEntries<V> {
    private final MapState<Long, V> state;
    private final String what;

    /** @param what what the values are, for error messages ("slot", "norms") */
    StateEntries(MapState<Long, V> state, String what) {
        this.state = state;
        this.what = what;
    }

    V get(long id) {
        try {
            return state.get(id);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read " + what + " " + id + " from state", e);
        }
    }

    void put(long id, V value) {
        try {
            state.put(id, value);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot write " + what + " " + id + " to state", e);
        }
    }

    void remove(long id) {
        try {
            state.remove(id);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot remove " + what + " " + id + " from state", e);
        }
    }
}
