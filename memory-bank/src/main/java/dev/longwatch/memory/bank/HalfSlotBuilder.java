package dev.longwatch.memory.bank;

import dev.longwatch.schema.HalfRounding;

/**
 * Makes a binary16 slot one token row at a time, and takes from each row as stored everything the
 * bank needs of it: the row's norm, its dot products with the same row of up to two neighbouring
 * slots, and its column sums for the token mean. A row is made in float (copied from a frame, or
 * the count-weighted mean of two slots), rounded by {@link HalfRounding}, and the sums read the
 * rounded row. The arithmetic runs over rows in scratch, so C2 vectorizes it; only the reads of
 * stored halves (a lookup in {@link Half#WIDE}) and the sums go value by value, and a neighbour's
 * halves are read in the loop that sums its dot product.
 *
 * <p>Sums run as {@link SlotMath#meanCosine} runs them (float products of stored values in eight
 * interleaved float sums, added in double as {@link VectorMath#dot} does, then the cosine per token
 * in token order; column sums in double, in token order), so norms, means and similarities are the
 * bits of computing them apart from the stored slot.
 */
final class HalfSlotBuilder {
    /**
     * Scratch rows, one set per thread for the last row length it built: a token-mode step builds
     * hundreds of one-row slots, and allocating the scratch for each made it about 40% slower.
     */
    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

    private HalfSlotBuilder() {}

    /** Writes row {@code t} of the new slot, in float, into {@code row} ({@code dim} values). */
    interface RowSource {
        void fill(int t, float[] row);
    }

    /**
     * @param slot the slot as stored, with norms (and token mean when asked)
     * @param left similarity of the left neighbour to {@code slot}; NaN without a left neighbour
     * @param right similarity of {@code slot} to the right neighbour; NaN without one
     */
    record Built(SlotTensor slot, double left, double right) {}

    /** The rows of {@code values[from, from + tokens·dim)}. */
    static RowSource copyOf(float[] values, int from, int dim) {
        return (t, row) -> System.arraycopy(values, from + t * dim, row, 0, dim);
    }

    /**
     * The rows of {@code (na·a + nb·b) / (na + nb)} in float, as {@link VectorMath#weightedMean};
     * {@code a} binary16, {@code b} binary16 or floats.
     */
    static RowSource weightedMean(SlotTensor a, long na, SlotTensor b, long nb, int dim) {
        float fa = na;
        float fb = nb;
        float total = fa + fb;
        Scratch scratch = scratch(dim);
        float[] x = scratch.x;
        float[] y = scratch.y;
        return (t, row) -> {
            int from = t * dim;
            Half.widen(a.halves(), from, x);
            if (b.isHalf()) {
                Half.widen(b.halves(), from, y);
            } else {
                System.arraycopy(b.floats(), from, y, 0, dim);
            }
            for (int i = 0; i < row.length; i++) {
                row[i] = (x[i] * fa + y[i] * fb) / total;
            }
        };
    }

    /**
     * Builds the slot from {@code rows} beside its binary16 neighbours (either may be null).
     */
    static Built build(
            RowSource rows,
            SlotTensor left,
            SlotTensor right,
            int tokens,
            int dim,
            boolean withMean) {
        short[] halves = new short[tokens * dim];
        double[] norms = new double[tokens];
        float[] sum = withMean ? new float[dim] : null;
        double[] leftNorms = left == null ? null : left.norms(tokens, dim);
        double[] rightNorms = right == null ? null : right.norms(tokens, dim);
        Scratch scratch = scratch(dim);
        HalfRounding rounding = scratch.rounding;
        float[] row = scratch.row;
        short[] leftHalves = left == null ? null : left.halves();
        short[] rightHalves = right == null ? null : right.halves();
        double[] dots = scratch.dots;
        double leftSum = 0;
        double rightSum = 0;
        for (int t = 0; t < tokens; t++) {
            int from = t * dim;
            rows.fill(t, row);
            rounding.round(row, halves, from);
            norms[t] = normAndDots(row, leftHalves, rightHalves, from, dots);
            if (left != null) {
                leftSum += dots[0] / SlotMath.scale(leftNorms[t], norms[t]);
            }
            if (right != null) {
                rightSum += dots[1] / SlotMath.scale(norms[t], rightNorms[t]);
            }
            if (sum != null) {
                for (int d = 0; d < dim; d++) {
                    sum[d] += row[d];
                }
            }
        }
        SlotTensor slot = SlotMath.withMean(SlotTensor.ofHalves(halves, norms), sum, tokens);
        return new Built(
                slot,
                left == null ? Double.NaN : leftSum / tokens,
                right == null ? Double.NaN : rightSum / tokens);
    }

    private static Scratch scratch(int dim) {
        Scratch scratch = SCRATCH.get();
        if (scratch == null || scratch.row.length != dim) {
            scratch = new Scratch(dim);
            SCRATCH.set(scratch);
        }
        return scratch;
    }

    /** Rows of one length: the row being built and the two sides of a mean. */
    private static final class Scratch {
        final HalfRounding rounding;
        final float[] row;
        final float[] x;
        final float[] y;
        final double[] dots = new double[2];

        Scratch(int dim) {
            rounding = new HalfRounding(dim);
            row = new float[dim];
            x = new float[dim];
            y = new float[dim];
        }
    }

    /**
     * The norm of {@code row}; {@code dots[0]} its dot product with the row at {@code from} of the
     * binary16 {@code left}, {@code dots[1]} with that of {@code right}, where those are not null.
     * The neighbours are read through {@link Half#WIDE} in the loop that sums (a widened copy
     * would be one more store and load a value). One loop per shape: a loop that sums fewer lanes
     * is that much shorter, and these are the step's longest.
     */
    private static double normAndDots(
            float[] row, short[] left, short[] right, int from, double[] dots) {
        if (left != null && right != null) {
            return normAndTwoDots(row, left, right, from, dots);
        }
        if (left != null || right != null) {
            int at = left != null ? 0 : 1;
            return normAndDot(row, left != null ? left : right, from, dots, at);
        }
        return Math.sqrt(VectorMath.dot(row, 0, row, 0, row.length));
    }

    private static double normAndDot(float[] m, short[] other, int from, double[] dots, int at) {
        float[] wide = Half.WIDE;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        int i = 0;
        for (; i + 7 < m.length; i += 8) {
            int o = from + i;
            float m0 = m[i], m1 = m[i + 1], m2 = m[i + 2], m3 = m[i + 3];
            float m4 = m[i + 4], m5 = m[i + 5], m6 = m[i + 6], m7 = m[i + 7];
            s0 += m0 * m0;
            s1 += m1 * m1;
            s2 += m2 * m2;
            s3 += m3 * m3;
            s4 += m4 * m4;
            s5 += m5 * m5;
            s6 += m6 * m6;
            s7 += m7 * m7;
            d0 += wide[other[o] & 0xffff] * m0;
            d1 += wide[other[o + 1] & 0xffff] * m1;
            d2 += wide[other[o + 2] & 0xffff] * m2;
            d3 += wide[other[o + 3] & 0xffff] * m3;
            d4 += wide[other[o + 4] & 0xffff] * m4;
            d5 += wide[other[o + 5] & 0xffff] * m5;
            d6 += wide[other[o + 6] & 0xffff] * m6;
            d7 += wide[other[o + 7] & 0xffff] * m7;
        }
        for (; i < m.length; i++) {
            s0 += m[i] * m[i];
            d0 += wide[other[from + i] & 0xffff] * m[i];
        }
        dots[at] = VectorMath.lanes(d0, d1, d2, d3, d4, d5, d6, d7);
        return Math.sqrt(VectorMath.lanes(s0, s1, s2, s3, s4, s5, s6, s7));
    }

    private static double normAndTwoDots(
            float[] m, short[] left, short[] right, int from, double[] dots) {
        float[] wide = Half.WIDE;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        float l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
        float r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0, r6 = 0, r7 = 0;
        int i = 0;
        for (; i + 7 < m.length; i += 8) {
            int o = from + i;
            float m0 = m[i], m1 = m[i + 1], m2 = m[i + 2], m3 = m[i + 3];
            float m4 = m[i + 4], m5 = m[i + 5], m6 = m[i + 6], m7 = m[i + 7];
            s0 += m0 * m0;
            s1 += m1 * m1;
            s2 += m2 * m2;
            s3 += m3 * m3;
            s4 += m4 * m4;
            s5 += m5 * m5;
            s6 += m6 * m6;
            s7 += m7 * m7;
            l0 += wide[left[o] & 0xffff] * m0;
            l1 += wide[left[o + 1] & 0xffff] * m1;
            l2 += wide[left[o + 2] & 0xffff] * m2;
            l3 += wide[left[o + 3] & 0xffff] * m3;
            l4 += wide[left[o + 4] & 0xffff] * m4;
            l5 += wide[left[o + 5] & 0xffff] * m5;
            l6 += wide[left[o + 6] & 0xffff] * m6;
            l7 += wide[left[o + 7] & 0xffff] * m7;
            r0 += m0 * wide[right[o] & 0xffff];
            r1 += m1 * wide[right[o + 1] & 0xffff];
            r2 += m2 * wide[right[o + 2] & 0xffff];
            r3 += m3 * wide[right[o + 3] & 0xffff];
            r4 += m4 * wide[right[o + 4] & 0xffff];
            r5 += m5 * wide[right[o + 5] & 0xffff];
            r6 += m6 * wide[right[o + 6] & 0xffff];
            r7 += m7 * wide[right[o + 7] & 0xffff];
        }
        for (; i < m.length; i++) {
            s0 += m[i] * m[i];
            l0 += wide[left[from + i] & 0xffff] * m[i];
            r0 += m[i] * wide[right[from + i] & 0xffff];
        }
        dots[0] = VectorMath.lanes(l0, l1, l2, l3, l4, l5, l6, l7);
        dots[1] = VectorMath.lanes(r0, r1, r2, r3, r4, r5, r6, r7);
        return Math.sqrt(VectorMath.lanes(s0, s1, s2, s3, s4, s5, s6, s7));
    }
}
