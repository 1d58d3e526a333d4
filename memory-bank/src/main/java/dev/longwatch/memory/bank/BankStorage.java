package dev.longwatch.memory.bank;

import java.util.Objects;

/**
 * The stores of a bank.
 *
 * @param tensors slot id → the slot's vector ({@code tokens × dim} values in frame mode, {@code
 *     dim} values per token entry in token mode), in the store's {@link StorageDtype}
 * @param descriptors slot id → the mean over tokens of the slot ({@code dim} floats), kept in frame
 *     mode so a snapshot reads M small vectors instead of the whole bank; unused in token mode
 * @param norms slot id → the L2 norm of each token of the slot's stored tensor ({@code tokens}
 *     doubles in frame mode, one in token mode): a cache that spares a similarity the pass over the
 *     stored slot's squares; {@link NormStore#none()} keeps nothing and the bank recomputes them
 */
public record BankStorage(TensorStore tensors, SlotStore descriptors, NormStore norms) {

    public BankStorage {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(descriptors, "descriptors");
        Objects.requireNonNull(norms, "norms");
    }

    /** Tensors and descriptors without a norm cache. */
    public BankStorage(TensorStore tensors, SlotStore descriptors) {
        this(tensors, descriptors, NormStore.none());
    }

    /** F32 tensors on a float store, without a norm cache (the Flink job's state). */
    public BankStorage(SlotStore tensors, SlotStore descriptors) {
        this(TensorStore.f32(tensors), descriptors);
    }

    public static BankStorage inMemory() {
        return inMemory(StorageDtype.F32);
    }

    /** Every store in memory, norms cached. */
    public static BankStorage inMemory(StorageDtype dtype) {
        return new BankStorage(
                TensorStore.inMemory(dtype), new InMemorySlotStore(), new InMemoryNormStore());
    }

    /** Forgets everything kept for slot {@code id}. */
    public void remove(long id) {
        tensors.remove(id);
        descriptors.remove(id);
        norms.remove(id);
    }
}
