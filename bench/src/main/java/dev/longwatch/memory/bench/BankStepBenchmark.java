package dev.longwatch.memory.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bank.reference.MaLmmReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * One frame into a full bank of M slots, so every operation is a compression step: {@link
 * #incremental} is the Longwatch bank, {@link #reference} the plain MA-LMM port. Both states fill
 * the bank to M without compressing, then every benchmark call appends one more frame from a pool.
 * Parameters are set by {@link MemoryBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BankStepBenchmark {
    private static final int POOL = 16;
    private static final long FRAME_MS = 500;

    /** The Longwatch bank, stateless, over its index and an in-memory store. */
    @State(Scope.Thread)
    public static class Incremental {
        @Param({"FRAME"})
        public String granularity;

        @Param({"256"})
        public int tokens;

        @Param({"1024"})
        public int dim;

        @Param({"20"})
        public int slots;

        @Param({"F16"})
        public String storage;

        MemoryBank bank;
        BankStorage store;
        BankIndex index;
        float[][] pool;
        long seq;

        @Setup(Level.Trial)
        public void fill() {
            bank =
                    MemoryBank.create(
                            new BankConfig(slots, Granularity.valueOf(granularity), false));
            store = BankStorage.inMemory(StorageDtype.valueOf(storage));
            index = BankIndex.empty();
            pool = BenchFrames.flat(42, POOL, tokens, dim);
            seq = 0;
            while (seq < slots) {
                step();
            }
        }

        BankIndex step() {
            float[] values = pool[(int) (seq % POOL)];
            index =
                    bank.append(
                                    index,
                                    new BankFrame(seq, seq * FRAME_MS, tokens, dim, values, false),
                                    store)
                            .index();
            seq++;
            return index;
        }
    }

    /** MA-LMM's bank as {@code float[T][N][C]} plus counts, in float as the port keeps it. */
    @State(Scope.Thread)
    public static class Reference {
        @Param({"FRAME"})
        public String granularity;

        @Param({"256"})
        public int tokens;

        @Param({"1024"})
        public int dim;

        @Param({"20"})
        public int slots;

        MaLmmReference.Bank bank;
        float[][][] pool;
        boolean sync;
        int next;

        @Setup(Level.Trial)
        public void fill() {
            // FRAME is MA-LMM's sync=True (one pair for all tokens); TOKEN is sync=False.
            sync = Granularity.valueOf(granularity) == Granularity.FRAME;
            pool = BenchFrames.perToken(BenchFrames.flat(42, POOL, tokens, dim), tokens, dim);
            bank = MaLmmReference.Bank.empty();
            next = 0;
            while (next < slots) {
                step();
            }
        }

        MaLmmReference.Bank step() {
            // The port never mutates a frame it is given, so pool frames can be appended again.
            bank = MaLmmReference.append(bank, pool[next % POOL], slots, sync);
            next++;
            return bank;
        }
    }

    @Benchmark
    public BankIndex incremental(Incremental state) {
        return state.step();
    }

    @Benchmark
    public MaLmmReference.Bank reference(Reference state) {
        return state.step();
    }
}
