package dev.longwatch.memory.bank;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a bank compresses.
 *
 * @param capacity M, the most entries the bank holds after an append (at least 1)
 * @param granularity whether whole frames or single token positions merge
 * @param allowMergeAcrossGaps when false, the pair straddling a gap marker is never chosen while
 *     any other pair is allowed
 */
public record BankConfig(int capacity, Granularity granularity, boolean allowMergeAcrossGaps)
        implements Serializable {

    public BankConfig {
        if (capacity < 1) {
            throw new IllegalArgumentException("bank capacity must be at least 1, got " + capacity);
        }
        Objects.requireNonNull(granularity, "granularity");
    }

    public static BankConfig frames(int capacity) {
        return new BankConfig(capacity, Granularity.FRAME, false);
    }

    public static BankConfig tokens(int capacity) {
        return new BankConfig(capacity, Granularity.TOKEN, false);
    }
}
