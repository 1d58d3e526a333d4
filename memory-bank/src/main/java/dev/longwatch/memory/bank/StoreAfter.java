package dev.longwatch.memory.bank;

import static dev.longwatch.memory.bank.Half.WIDE;

/**
 * A new entry rounded into binary16 for the store while, in the same pass, its dot products with
 * the entry before it are summed: the similarity the lane caches for that pair once storing has
 * rounded the values. Done apart, the stored entry is read again just for that similarity.
 *
 * <p>Sums run as {@link SlotMath#toHalves} and {@link SlotMath#meanCosine} run them (per token,
 * four interleaved double lanes, float products of stored values, cosines in token order), so the
 * stored bits, norms, mean and similarity are the same to the last bit.
 */
final class StoreAfter {
    private StoreAfter() {}

    /**
     * @param stored the entry as stored, with norms (and token mean when asked)
     * @param similarity similarity of the previous entry to {@code stored}
     */
    record Result(SlotTensor stored, double similarity) {}

    /** {@code values} (one entry, {@code tokens × dim}) stored after the binary16 {@code previous}. */
    static Result store(float[] values, SlotTensor previous, int tokens, int dim, boolean withMean) {
        short[] before = previous.halves();
        double[] previousNorms = previous.norms(tokens, dim);
        short[] halves = new short[tokens * dim];
        double[] norms = new double[tokens];
        double[] sum = withMean ? new double[dim] : null;
        double cosines = 0;
        for (int t = 0; t < tokens; t++) {
            int row = t * dim;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
            int i = 0;
            for (; i + 3 < dim; i += 4) {
                float r0 = SlotMath.narrow(values[row + i], halves, row + i);
                float r1 = SlotMath.narrow(values[row + i + 1], halves, row + i + 1);
                float r2 = SlotMath.narrow(values[row + i + 2], halves, row + i + 2);
                float r3 = SlotMath.narrow(values[row + i + 3], halves, row + i + 3);
                s0 += r0 * r0;
                s1 += r1 * r1;
                s2 += r2 * r2;
                s3 += r3 * r3;
                d0 += WIDE[before[row + i] & 0xffff] * r0;
                d1 += WIDE[before[row + i + 1] & 0xffff] * r1;
                d2 += WIDE[before[row + i + 2] & 0xffff] * r2;
                d3 += WIDE[before[row + i + 3] & 0xffff] * r3;
                if (sum != null) {
                    sum[i] += r0;
                    sum[i + 1] += r1;
                    sum[i + 2] += r2;
                    sum[i + 3] += r3;
                }
            }
            for (; i < dim; i++) {
                float r = SlotMath.narrow(values[row + i], halves, row + i);
                s0 += r * r;
                d0 += WIDE[before[row + i] & 0xffff] * r;
                if (sum != null) {
                    sum[i] += r;
                }
            }
            norms[t] = Math.sqrt((s0 + s1) + (s2 + s3));
            cosines += ((d0 + d1) + (d2 + d3)) / SlotMath.scale(previousNorms[t], norms[t]);
        }
        SlotTensor stored = SlotTensor.ofHalves(halves, norms);
        if (sum != null) {
            float[] mean = new float[dim];
            for (int d = 0; d < dim; d++) {
                mean[d] = (float) (sum[d] / tokens);
            }
            stored.setTokenMean(mean);
        }
        return new Result(stored, cosines / tokens);
    }
}
