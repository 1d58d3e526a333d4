package dev.longwatch.memory.config;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.chapter.ChapterPolicy;

import org.apache.flink.configuration.Configuration;

import java.io.Serializable;

/**
 * The options the memory operator runs with, checked once and shipped inside the operator.
 *
 * @param bank how each stream's bank compresses
 * @param emitIntervalMs least processing time between two snapshots of one stream; 0 = every frame
 * @param noveltyThreshold NOVELTY when {@code 1 - similarity} exceeds this
 * @param idleRetentionMs drop an idle stream's state after this long; 0 = never
 * @param chapterMs seal the bank every this much media time; 0 = never
 */
public record MemorySettings(
        BankConfig bank,
        long emitIntervalMs,
        double noveltyThreshold,
        long idleRetentionMs,
        long chapterMs)
        implements Serializable {

    /** With the default chapter length. */
    public MemorySettings(
            BankConfig bank, long emitIntervalMs, double noveltyThreshold, long idleRetentionMs) {
        this(
                bank,
                emitIntervalMs,
                noveltyThreshold,
                idleRetentionMs,
                ChapterPolicy.DEFAULT_CHAPTER_MS);
    }

    public MemorySettings {
        if (emitIntervalMs < 0) {
            throw new IllegalArgumentException(
                    MemoryOptions.EMIT_INTERVAL.key() + " must not be negative");
        }
        if (idleRetentionMs < 0) {
            throw new IllegalArgumentException(
                    MemoryOptions.IDLE_STATE_RETENTION.key() + " must not be negative");
        }
        if (chapterMs < 0) {
            throw new IllegalArgumentException(
                    MemoryOptions.CHAPTER_LENGTH.key() + " must not be negative");
        }
        if (!(noveltyThreshold >= 0 && noveltyThreshold <= 2)) {
            throw new IllegalArgumentException(
                    MemoryOptions.NOVELTY_THRESHOLD.key()
                            + " must be within [0, 2] (1 - cosine), got "
                            + noveltyThreshold);
        }
    }

    public static MemorySettings from(Configuration options) {
        if (options.get(MemoryOptions.BANK_RULE) == MergeRule.BOUNDARY
                && options.get(MemoryOptions.BANK_GRANULARITY) != Granularity.FRAME) {
            throw new IllegalArgumentException(
                    MemoryOptions.BANK_RULE.key() + " BOUNDARY compares whole frames: it needs "
                            + MemoryOptions.BANK_GRANULARITY.key() + " FRAME, got "
                            + options.get(MemoryOptions.BANK_GRANULARITY));
        }
        return new MemorySettings(
                new BankConfig(
                        options.get(MemoryOptions.BANK_SLOTS),
                        options.get(MemoryOptions.BANK_GRANULARITY),
                        options.get(MemoryOptions.ALLOW_MERGE_ACROSS_GAPS),
                        options.get(MemoryOptions.BANK_RULE)),
                options.get(MemoryOptions.EMIT_INTERVAL).toMillis(),
                options.get(MemoryOptions.NOVELTY_THRESHOLD),
                options.get(MemoryOptions.IDLE_STATE_RETENTION).toMillis(),
                options.get(MemoryOptions.CHAPTER_LENGTH).toMillis());
    }

    /** The chapter policy, or null when chapters are off. */
    public ChapterPolicy chapters() {
        return chapterMs == 0 ? null : new ChapterPolicy(chapterMs);
    }
}
