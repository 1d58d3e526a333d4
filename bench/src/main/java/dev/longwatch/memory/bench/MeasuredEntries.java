package dev.longwatch.memory.bench;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Slot id → value on a hash map that can say how many bytes its entries take in the operator's
 * {@code MapState<Long, V>}: the user key and the value, each with the serializer Flink uses.
 */
final class MeasuredEntries<V> {
    private final Map<Long, V> values = new HashMap<>();
    private final TypeSerializer<V> serializer;

    MeasuredEntries(TypeSerializer<V> serializer) {
        this.serializer = serializer;
    }

    V get(long key) {
        return values.get(key);
    }

    void put(long key, V value) {
        values.put(key, value);
    }

    void remove(long key) {
        values.remove(key);
    }

    long serializedBytes() {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        long bytes = 0;
        try {
            for (Map.Entry<Long, V> entry : values.entrySet()) {
                out.clear();
                LongSerializer.INSTANCE.serialize(entry.getKey(), out);
                serializer.serialize(entry.getValue(), out);
                bytes += out.length();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }
}
