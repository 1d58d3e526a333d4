package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.SlotStore;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bank.TensorStore;

/**
 * Counts the bytes one compression step moves through the bank's stores, by running the bank over
 * counting stores: every tensor and descriptor read or written, in its stored width, plus the
 * incoming frame read once in float. Scratch arrays inside the step are not counted, so this is the
 * floor a step cannot go below, to set against the copy bandwidth.
 */
final class BytesTouched {
    private static final int STEPS = 32;

    private BytesTouched() {}

    static long perFrame(
            Granularity granularity, StorageDtype dtype, int tokens, int dim, int slots) {
        Counting tensors = new Counting(TensorStore.inMemory(dtype), dtype.bytesPerValue());
        CountingDescriptors descriptors = new CountingDescriptors();
        BankStorage storage = new BankStorage(tensors, descriptors);
        MemoryBank bank = MemoryBank.create(new BankConfig(slots, granularity, false));
        float[][] pool = BenchFrames.flat(7, 8, tokens, dim);
        BankIndex index = BankIndex.empty();
        long seq = 0;
        for (; seq < slots; seq++) {
            index = bank.append(index, frame(seq, pool, tokens, dim), storage).index();
        }
        tensors.bytes = 0;
        descriptors.bytes = 0;
        for (int s = 0; s < STEPS; s++, seq++) {
            index = bank.append(index, frame(seq, pool, tokens, dim), storage).index();
        }
        long frameBytes = 4L * tokens * dim;
        return (tensors.bytes + descriptors.bytes) / STEPS + frameBytes;
    }

    private static BankFrame frame(long seq, float[][] pool, int tokens, int dim) {
        return new BankFrame(seq, seq * 500, tokens, dim, pool[(int) (seq % pool.length)], false);
    }

    private static final class Counting implements TensorStore {
        private final TensorStore delegate;
        private final int width;
        long bytes;

        Counting(TensorStore delegate, int width) {
            this.delegate = delegate;
            this.width = width;
        }

        @Override
        public StorageDtype dtype() {
            return delegate.dtype();
        }

        @Override
        public float[] get(long id) {
            float[] values = delegate.get(id);
            bytes += values == null ? 0 : (long) values.length * width;
            return values;
        }

        @Override
        public float[] put(long id, float[] values) {
            bytes += (long) values.length * width;
            return delegate.put(id, values);
        }

        @Override
        public void remove(long id) {
            delegate.remove(id);
        }
    }

    private static final class CountingDescriptors implements SlotStore {
        private final java.util.Map<Long, float[]> map = new java.util.HashMap<>();
        long bytes;

        @Override
        public float[] get(long key) {
            float[] values = map.get(key);
            bytes += values == null ? 0 : 4L * values.length;
            return values;
        }

        @Override
        public void put(long key, float[] vector) {
            bytes += 4L * vector.length;
            map.put(key, vector);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
        }
    }
}
