package dev.longwatch.memory.bank;

/**
 * Slot id → the L2 norm of each of the slot's tokens, derived from the slot's stored tensor and
 * kept next to it, so a similarity involving a stored slot needs only dot products. A cache: a
 * store may keep nothing ({@link #none()}), and the bank then recomputes the norms of every stored
 * tensor it compares. Same contract as {@link SlotStore}: arrays are never mutated after {@link
 * #put} or {@link #get}.
 */
public interface NormStore {

    /** The norms kept for {@code id}, or null when there are none. */
    double[] get(long id);

    /** Keeps {@code norms} for {@code id}, replacing any previous ones. */
    void put(long id, double[] norms);

    /** Forgets {@code id}; a missing id is not an error. */
    void remove(long id);

    /** Keeps nothing, for callers whose state has no room for norms (the Flink job). */
    static NormStore none() {
        return NoNormStore.INSTANCE;
    }
}
