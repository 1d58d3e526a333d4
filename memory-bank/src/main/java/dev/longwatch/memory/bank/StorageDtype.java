package dev.longwatch.memory.bank;

/** The number format slot tensors are stored in. The bank always computes in float. */
public enum StorageDtype {
    /** IEEE binary32: stored values are exactly what the bank computed. */
    F32(4),
    /**
     * IEEE binary16 (round to nearest even): half the bytes per slot; every stored tensor is
     * rounded once when written, and the bank continues from the rounded values.
     */
    F16(2);

    private final int bytesPerValue;

    StorageDtype(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }
}
