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
 * @param rule which pair a full bank merges ({@link MergeRule#BOUNDARY} needs FRAME granularity)
 */
public record BankConfig(
        int capacity, Granularity granularity, boolean allowMergeAcrossGaps, MergeRule rule)
        implements Serializable {

    public BankConfig {
        if (capacity < 1) {
            throw new IllegalArgumentException("bank capacity must be at least 1, got " + capacity);
        }
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(rule, "rule");
        if (rule == MergeRule.BOUNDARY && granularity != Granularity.FRAME) {
            throw new IllegalArgumentException(
                    "the " + rule + " rule compares whole frames: it needs FRAME granularity, got "
                            + granularity);
        }
    }

    /** MA-LMM's rule ({@link MergeRule#MBC}). */
    public BankConfig(int capacity, Granularity granularity, boolean allowMergeAcrossGaps) {
        this(capacity, granularity, allowMergeAcrossGaps, MergeRule.MBC);
    }

    public BankConfig withRule(MergeRule value) {
        return new BankConfig(capacity, granularity, allowMergeAcrossGaps, value);
    }

    public static BankConfig frames(int capacity) {
        return new BankConfig(capacity, Granularity.FRAME, false);
    }

    public static BankConfig tokens(int capacity) {
        return new BankConfig(capacity, Granularity.TOKEN, false);
    }
}
