package dev.longwatch.memory.bank;

/**
 * One slot's values in the form its store keeps them, either binary16 bits or floats, with the L2
 * norm of each token. The bank compares and merges these directly, so a half-precision slot is
 * never widened into a whole float copy. Values are never mutated once built; the norms are
 * computed at most once, when they were neither cached nor produced with the values.
 */
final class SlotTensor {
    private final short[] halves;
    private final float[] floats;
    private double[] norms;
    private float[] tokenMean;

    private SlotTensor(short[] halves, float[] floats, double[] norms) {
        this.halves = halves;
        this.floats = floats;
        this.norms = norms;
    }

    /** @param norms the per-token norms, or null to compute them when first needed */
    static SlotTensor ofHalves(short[] halves, double[] norms) {
        return new SlotTensor(halves, null, norms);
    }

    /** @param norms the per-token norms, or null to compute them when first needed */
    static SlotTensor ofFloats(float[] floats, double[] norms) {
        return new SlotTensor(null, floats, norms);
    }

    boolean isHalf() {
        return halves != null;
    }

    /** The binary16 bits; only for {@link #isHalf()} tensors. */
    short[] halves() {
        return halves;
    }

    /** The float values; only for tensors that are not {@link #isHalf()}. */
    float[] floats() {
        return floats;
    }

    int length() {
        return halves != null ? halves.length : floats.length;
    }

    /** The norms if known, without computing them. */
    double[] knownNorms() {
        return norms;
    }

    /** Records norms computed along with something else (a similarity). */
    void setNorms(double[] computed) {
        norms = computed;
    }

    /** The mean over tokens if it was summed while the values were made, else null. */
    float[] knownTokenMean() {
        return tokenMean;
    }

    void setTokenMean(float[] mean) {
        tokenMean = mean;
    }

    double[] norms(int tokens, int dim) {
        if (norms == null) {
            norms = SlotMath.norms(this, tokens, dim);
        }
        return norms;
    }
}
