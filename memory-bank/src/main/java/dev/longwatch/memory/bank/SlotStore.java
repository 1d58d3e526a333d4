package dev.longwatch.memory.bank;

/**
 * Where a bank keeps its vectors, one per slot id. The bank reads and writes only the slots an
 * append changes, so a store backed by Flink's RocksDB {@code MapState} touches a handful of keys
 * per frame instead of the whole bank.
 *
 * <p>Implementations may keep the array they are given; the bank never mutates an array after
 * {@link #put} and never mutates one returned by {@link #get}.
 */
public interface SlotStore {

    /** The vector stored under {@code key}, or null when there is none. */
    float[] get(long key);

    /** Stores {@code vector} under {@code key}, replacing any previous vector. */
    void put(long key, float[] vector);

    /** Forgets {@code key}; a missing key is not an error. */
    void remove(long key);
}
