package dev.longwatch.memory.bank;

/** What one bank slot holds and what merges as a unit. */
public enum Granularity {
    /**
     * Whole frames merge: the similarity of two entries is the mean over token positions of the
     * per-token cosine, so every slot is one contiguous time span. This product's rule ("merge the
     * most similar adjacent frames", as MovieChat does), built from MA-LMM's merge step; it is not
     * in MA-LMM's repository, whose {@code memory_bank_compress} has only the per-token rule.
     */
    FRAME,
    /**
     * MA-LMM exactly ({@code memory_bank_compress} in boheumd/MA-LMM): every token position keeps
     * its own sequence of entries and picks its own most similar adjacent pair, so one slot
     * position mixes tokens of different frames.
     */
    TOKEN
}
