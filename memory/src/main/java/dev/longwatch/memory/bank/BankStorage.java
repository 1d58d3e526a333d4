package dev.longwatch.memory.bank;

import java.util.Objects;

/**
 * The two stores of a bank.
 *
 * @param tensors slot id → the slot's vector ({@code tokens × dim} values in frame mode, {@code
 *     dim} values per token entry in token mode), in the store's {@link StorageDtype}
 * @param descriptors slot id → the mean over tokens of the slot ({@code dim} floats), kept in frame
 *     mode so a snapshot reads M small vectors instead of the whole bank; unused in token mode
 */
public record BankStorage(TensorStore tensors, SlotStore descriptors) {

    public BankStorage {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(descriptors, "descriptors");
    }

    /** F32 tensors on a float store. */
    public BankStorage(SlotStore tensors, SlotStore descriptors) {
        this(TensorStore.f32(tensors), descriptors);
    }

    public static BankStorage inMemory() {
        return inMemory(StorageDtype.F32);
    }

    public static BankStorage inMemory(StorageDtype dtype) {
        return new BankStorage(TensorStore.inMemory(dtype), new InMemorySlotStore());
    }
}
