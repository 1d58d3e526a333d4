package dev.longwatch.memory.bank;

/**
 * Where an F16 bank keeps its tensors: slot id → IEEE binary16 bits, one {@code short} per value.
 * Same contract as {@link SlotStore}: arrays are never mutated after {@link #put} or {@link #get}.
 */
public interface HalfSlotStore {

    /** The half-precision values under {@code key}, or null when there are none. */
    short[] get(long key);

    /** Stores {@code halves} under {@code key}, replacing any previous array. */
    void put(long key, short[] halves);

    /** Forgets {@code key}; a missing key is not an error. */
    void remove(long key);
}
