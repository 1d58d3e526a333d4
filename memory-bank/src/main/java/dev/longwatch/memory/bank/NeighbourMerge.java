package dev.longwatch.memory.bank;

import static dev.longwatch.memory.bank.Half.WIDE;

/**
 * The merge of two adjacent binary16 slots that also sums, in the same pass over the merged
 * values, their dot products with the neighbouring slots: the similarities the lane caches next.
 * Done apart, each neighbour similarity re-reads the merged slot; done here, a compression step
 * reads every slot it touches once (on the benchmark's shapes, two of six passes fewer).
 *
 * <p>The sums run exactly as {@link SlotMath#meanCosine} and {@link SlotMath#merge} run them (per
 * token, four interleaved double lanes of float products of stored values, then the cosine per
 * token in token order), so values, norms, means and similarities are the same to the last bit;
 * {@code MaLmmOracleTest} and the property tests hold either way.
 *
 * <p>Two shapes cover the steps that happen: a new frame (floats) merged into the last slot, which
 * has only a left neighbour; and two stored slots merged with a neighbour on each side. Any other
 * step merges and compares apart ({@link SlotTensors#mergeBeside}).
 */
final class NeighbourMerge {
    private NeighbourMerge() {}

    /**
     * @param merged the merged slot, binary16, with norms (and token mean when asked)
     * @param left similarity of the left neighbour to {@code merged}; NaN without a left neighbour
     * @param right similarity of {@code merged} to the right neighbour; NaN without one
     */
    record Result(SlotTensor merged, double left, double right) {}

    /** Whether {@link #merge} handles these sides: all stored sides binary16, one of the shapes above. */
    static boolean applies(SlotTensor left, SlotTensor a, SlotTensor b, SlotTensor right) {
        if (left == null || !left.isHalf() || !a.isHalf()) {
            return false;
        }
        return b.isHalf() ? right != null && right.isHalf() : right == null;
    }

    /** {@code (na·a + nb·b) / (na + nb)} beside its neighbours; see {@link #applies}. */
    static Result merge(
            SlotTensor left,
            SlotTensor a,
            long na,
            SlotTensor b,
            long nb,
            SlotTensor right,
            int tokens,
            int dim,
            boolean withMean) {
        float fa = na;
        float fb = nb;
        float total = fa + fb;
        short[] x = a.halves();
        short[] out = new short[x.length];
        double[] norms = new double[tokens];
        double[] sum = withMean ? new double[dim] : null;
        double[] leftNorms = left.norms(tokens, dim);
        double[] rightNorms = right == null ? null : right.norms(tokens, dim);
        double[] dots = new double[2];
        double leftSum = 0;
        double rightSum = 0;
        for (int t = 0; t < tokens; t++) {
            int from = t * dim;
            if (b.isHalf()) {
                norms[t] = rowBetween(x, b.halves(), out, from, dim, fa, fb, total, sum, left.halves(), right.halves(), dots);
                rightSum += dots[1] / SlotMath.scale(norms[t], rightNorms[t]);
            } else {
                norms[t] = rowAfter(x, b.floats(), out, from, dim, fa, fb, total, sum, left.halves(), dots);
            }
            leftSum += dots[0] / SlotMath.scale(leftNorms[t], norms[t]);
        }
        SlotTensor merged = SlotTensor.ofHalves(out, norms);
        if (sum != null) {
            float[] mean = new float[dim];
            for (int d = 0; d < dim; d++) {
                mean[d] = (float) (sum[d] / tokens);
            }
            merged.setTokenMean(mean);
        }
        return new Result(merged, leftSum / tokens, right == null ? Double.NaN : rightSum / tokens);
    }

    /**
     * One row of two stored slots merged into {@code out}, with the dot products of the left
     * neighbour's row and the merged row ({@code dots[0]}) and of the merged row and the right
     * neighbour's ({@code dots[1]}); returns the merged row's norm.
     */
    private static double rowBetween(
            short[] x, short[] y, short[] out, int from, int len, float fa, float fb, float total,
            double[] sum, short[] left, short[] right, double[] dots) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        double r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        int i = from;
        int end = from + len;
        for (; i + 3 < end; i += 4) {
            float m0 = SlotMath.narrow((WIDE[x[i] & 0xffff] * fa + WIDE[y[i] & 0xffff] * fb) / total, out, i);
            float m1 = SlotMath.narrow((WIDE[x[i + 1] & 0xffff] * fa + WIDE[y[i + 1] & 0xffff] * fb) / total, out, i + 1);
            float m2 = SlotMath.narrow((WIDE[x[i + 2] & 0xffff] * fa + WIDE[y[i + 2] & 0xffff] * fb) / total, out, i + 2);
            float m3 = SlotMath.narrow((WIDE[x[i + 3] & 0xffff] * fa + WIDE[y[i + 3] & 0xffff] * fb) / total, out, i + 3);
            s0 += m0 * m0;
            s1 += m1 * m1;
            s2 += m2 * m2;
            s3 += m3 * m3;
            l0 += WIDE[left[i] & 0xffff] * m0;
            l1 += WIDE[left[i + 1] & 0xffff] * m1;
            l2 += WIDE[left[i + 2] & 0xffff] * m2;
            l3 += WIDE[left[i + 3] & 0xffff] * m3;
            r0 += m0 * WIDE[right[i] & 0xffff];
            r1 += m1 * WIDE[right[i + 1] & 0xffff];
            r2 += m2 * WIDE[right[i + 2] & 0xffff];
            r3 += m3 * WIDE[right[i + 3] & 0xffff];
            if (sum != null) {
                int d = i - from;
                sum[d] += m0;
                sum[d + 1] += m1;
                sum[d + 2] += m2;
                sum[d + 3] += m3;
            }
        }
        for (; i < end; i++) {
            float m = SlotMath.narrow((WIDE[x[i] & 0xffff] * fa + WIDE[y[i] & 0xffff] * fb) / total, out, i);
            s0 += m * m;
            l0 += WIDE[left[i] & 0xffff] * m;
            r0 += m * WIDE[right[i] & 0xffff];
            if (sum != null) {
                sum[i - from] += m;
            }
        }
        dots[0] = (l0 + l1) + (l2 + l3);
        dots[1] = (r0 + r1) + (r2 + r3);
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }

    /**
     * One row of a new frame ({@code y}, floats) merged into the last slot, with the dot product
     * of the left neighbour's row and the merged row in {@code dots[0]}; returns the merged row's
     * norm.
     */
    private static double rowAfter(
            short[] x, float[] y, short[] out, int from, int len, float fa, float fb, float total,
            double[] sum, short[] left, double[] dots) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        int i = from;
        int end = from + len;
        for (; i + 3 < end; i += 4) {
            float m0 = SlotMath.narrow((WIDE[x[i] & 0xffff] * fa + y[i] * fb) / total, out, i);
            float m1 = SlotMath.narrow((WIDE[x[i + 1] & 0xffff] * fa + y[i + 1] * fb) / total, out, i + 1);
            float m2 = SlotMath.narrow((WIDE[x[i + 2] & 0xffff] * fa + y[i + 2] * fb) / total, out, i + 2);
            float m3 = SlotMath.narrow((WIDE[x[i + 3] & 0xffff] * fa + y[i + 3] * fb) / total, out, i + 3);
            s0 += m0 * m0;
            s1 += m1 * m1;
            s2 += m2 * m2;
            s3 += m3 * m3;
            l0 += WIDE[left[i] & 0xffff] * m0;
            l1 += WIDE[left[i + 1] & 0xffff] * m1;
            l2 += WIDE[left[i + 2] & 0xffff] * m2;
            l3 += WIDE[left[i + 3] & 0xffff] * m3;
            if (sum != null) {
                int d = i - from;
                sum[d] += m0;
                sum[d + 1] += m1;
                sum[d + 2] += m2;
                sum[d + 3] += m3;
            }
        }
        for (; i < end; i++) {
            float m = SlotMath.narrow((WIDE[x[i] & 0xffff] * fa + y[i] * fb) / total, out, i);
            s0 += m * m;
            l0 += WIDE[left[i] & 0xffff] * m;
            if (sum != null) {
                sum[i - from] += m;
            }
        }
        dots[0] = (l0 + l1) + (l2 + l3);
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }
}
