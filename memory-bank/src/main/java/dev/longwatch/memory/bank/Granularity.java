package dev.longwatch.memory.bank;

/** What one bank slot holds and what merges as a unit. */
public enum Granularity {
    /**
     * Whole frames merge: the similarity of two entries is the mean over token positions of the
     * per-token cosine (MA-LMM's {@code sync=True}), so every slot is one contiguous time span.
     */
    FRAME,
    /**
     * MA-LMM exactly: every token position keeps its own sequence of entries and picks its own most
     * similar adjacent pair, so one slot position mixes tokens of different frames.
     */
    TOKEN
}
