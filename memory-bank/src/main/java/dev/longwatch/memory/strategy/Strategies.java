package dev.longwatch.memory.strategy;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.bank.StorageDtype;

import java.util.List;
import java.util.function.IntFunction;

/** Every {@link MemoryStrategy} by name, for benchmarks and the command line. */
public final class Strategies {
    /** The names, in report order. */
    public static final List<String> NAMES =
            List.of("fifo", "uniform", "stpool", "adaptive-pool", "slowfast", "mbc", "mbc-token", "boundary");

    private Strategies() {}

    /** A fresh, empty strategy of {@code capacity} slots. */
    public static MemoryStrategy create(String name, int capacity) {
        IntFunction<MemoryStrategy> factory =
                switch (name) {
                    case "fifo" -> FifoStrategy::new;
                    case "uniform" -> UniformStrategy::new;
                    case "stpool" -> SpatioTemporalPoolStrategy::new;
                    case "adaptive-pool" -> AdaptivePoolStrategy::new;
                    case "slowfast" -> SlowFastStrategy::new;
                    case "mbc" -> MemoryBankStrategy::new;
                    case "mbc-token" -> m -> new MemoryBankStrategy(BankConfig.tokens(m), StorageDtype.F32);
                    case "boundary" -> m -> new MemoryBankStrategy(
                            BankConfig.frames(m).withRule(MergeRule.BOUNDARY), StorageDtype.F32);
                    default -> throw new IllegalArgumentException(
                            "unknown memory strategy '" + name + "', expected one of " + NAMES);
                };
        return factory.apply(capacity);
    }

    static int checkCapacity(int capacity, int least) {
        if (capacity < least) {
            throw new IllegalArgumentException(
                    "this strategy needs at least " + least + " slots, got " + capacity);
        }
        return capacity;
    }
}
