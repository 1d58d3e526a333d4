package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.SlotStore;

import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A slot store on a hash map that can say how many bytes its entries take in the operator's {@code
 * MapState<Long, float[]>}: the user key and the value, each with the serializer Flink uses.
 */
final class MeasuredSlotStore implements SlotStore {
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

    int size() {
        return vectors.size();
    }

    long serializedBytes() {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        long bytes = 0;
        try {
            for (Map.Entry<Long, float[]> entry : vectors.entrySet()) {
                out.clear();
                LongSerializer.INSTANCE.serialize(entry.getKey(), out);
                FloatPrimitiveArraySerializer.INSTANCE.serialize(entry.getValue(), out);
                bytes += out.length();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }
}
