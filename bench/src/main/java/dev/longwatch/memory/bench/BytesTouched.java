package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.HalfSlotStore;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.NormStore;
import dev.longwatch.memory.bank.SlotStore;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bank.TensorStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the bytes one compression step moves through the bank's stores, by running the bank over
 * counting stores laid out as {@link BankStorage#inMemory(StorageDtype)}: every tensor (in its
 * stored width), descriptor and cached norm read or written, plus the incoming frame read once in
 * float. Scratch inside the step is not counted, so this is the floor a step cannot go below, to
 * set against the copy bandwidth.
 */
final class BytesTouched {
    private static final int STEPS = 32;

    private BytesTouched() {}

    static long perFrame(
            Granularity granularity, StorageDtype dtype, int tokens, int dim, int slots) {
        Counter counter = new Counter();
        TensorStore tensors =
                dtype == StorageDtype.F16
                        ? TensorStore.f16(new CountingHalves(counter))
                        : TensorStore.f32(new CountingFloats(counter));
        BankStorage storage =
                new BankStorage(tensors, new CountingFloats(counter), new CountingNorms(counter));
        MemoryBank bank = MemoryBank.create(new BankConfig(slots, granularity, false));
        float[][] pool = BenchFrames.flat(7, 8, tokens, dim);
        BankIndex index = BankIndex.empty();
        long seq = 0;
        for (; seq < slots; seq++) {
            index = bank.append(index, frame(seq, pool, tokens, dim), storage).index();
        }
        counter.bytes = 0;
        for (int s = 0; s < STEPS; s++, seq++) {
            index = bank.append(index, frame(seq, pool, tokens, dim), storage).index();
        }
        long frameBytes = 4L * tokens * dim;
        return counter.bytes / STEPS + frameBytes;
    }

    /**
     * What MA-LMM's {@code memory_bank_compress} must touch per step as written: it reads the
     * grown bank whole (the M entries and the frame, in float, for the similarities and the
     * gather) and writes the compressed bank of M entries. Its temporaries are not counted.
     */
    static long reference(int tokens, int dim, int slots) {
        return 4L * tokens * dim * (2L * slots + 1);
    }

    private static BankFrame frame(long seq, float[][] pool, int tokens, int dim) {
        return new BankFrame(seq, seq * 500, tokens, dim, pool[(int) (seq % pool.length)], false);
    }

    private static final class Counter {
        long bytes;
    }

    private static final class CountingHalves implements HalfSlotStore {
        private final Map<Long, short[]> map = new HashMap<>();
        private final Counter counter;

        CountingHalves(Counter counter) {
            this.counter = counter;
        }

        @Override
        public short[] get(long key) {
            short[] values = map.get(key);
            counter.bytes += values == null ? 0 : 2L * values.length;
            return values;
        }

        @Override
        public void put(long key, short[] halves) {
            counter.bytes += 2L * halves.length;
            map.put(key, halves);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
        }
    }

    private static final class CountingFloats implements SlotStore {
        private final Map<Long, float[]> map = new HashMap<>();
        private final Counter counter;

        CountingFloats(Counter counter) {
            this.counter = counter;
        }

        @Override
        public float[] get(long key) {
            float[] values = map.get(key);
            counter.bytes += values == null ? 0 : 4L * values.length;
            return values;
        }

        @Override
        public void put(long key, float[] vector) {
            counter.bytes += 4L * vector.length;
            map.put(key, vector);
        }

        @Override
        public void remove(long key) {
            map.remove(key);
        }
    }

    private static final class CountingNorms implements NormStore {
        private final Map<Long, double[]> map = new HashMap<>();
        private final Counter counter;

        CountingNorms(Counter counter) {
            this.counter = counter;
        }

        @Override
        public double[] get(long id) {
            double[] values = map.get(id);
            counter.bytes += values == null ? 0 : 8L * values.length;
            return values;
        }

        @Override
        public void put(long id, double[] norms) {
            counter.bytes += 8L * norms.length;
            map.put(id, norms);
        }

        @Override
        public void remove(long id) {
            map.remove(id);
        }
    }
}
