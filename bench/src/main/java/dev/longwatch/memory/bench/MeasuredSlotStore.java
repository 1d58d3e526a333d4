package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.HalfSlotStore;
import dev.longwatch.memory.bank.NormStore;
import dev.longwatch.memory.bank.SlotStore;
import dev.longwatch.memory.job.HalfArraySerializer;

import org.apache.flink.api.common.typeutils.base.array.DoublePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;

/**
 * The operator's three slot states on measured hash maps: binary16 tensors ({@link
 * HalfArraySerializer}), F32 descriptors and per-token norms, each measured with its serializer.
 */
final class MeasuredSlotStore {
    final MeasuredEntries<short[]> tensors = new MeasuredEntries<>(HalfArraySerializer.INSTANCE);
    final MeasuredEntries<float[]> descriptors =
            new MeasuredEntries<>(FloatPrimitiveArraySerializer.INSTANCE);
    final MeasuredEntries<double[]> norms =
            new MeasuredEntries<>(DoublePrimitiveArraySerializer.INSTANCE);

    HalfSlotStore halves() {
        return new HalfSlotStore() {
            @Override
            public short[] get(long key) {
                return tensors.get(key);
            }

            @Override
            public void put(long key, short[] values) {
                tensors.put(key, values);
            }

            @Override
            public void remove(long key) {
                tensors.remove(key);
            }
        };
    }

    SlotStore floats() {
        return new SlotStore() {
            @Override
            public float[] get(long key) {
                return descriptors.get(key);
            }

            @Override
            public void put(long key, float[] values) {
                descriptors.put(key, values);
            }

            @Override
            public void remove(long key) {
                descriptors.remove(key);
            }
        };
    }

    NormStore normStore() {
        return new NormStore() {
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
        };
    }
}
