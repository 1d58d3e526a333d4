package dev.longwatch.memory.bank;

import java.util.Objects;

/**
 * The two stores of a bank.
 *
 * @param tensors slot id → the slot's vector ({@code tokens × dim} floats in frame mode, {@code
 *     dim} floats per token entry in token mode)
 * @param descriptors slot id → the mean over tokens of the slot ({@code dim} floats), kept in frame
 *     mode so a snapshot reads M small vectors instead of the whole bank; unused in token mode
 */
public record BankStorage(SlotStore tensors, SlotStore descriptors) {

    public BankStorage {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(descriptors, "descriptors");
    }

    public static BankStorage inMemory() {
        return new BankStorage(new InMemorySlotStore(), new InMemorySlotStore());
    }
}
