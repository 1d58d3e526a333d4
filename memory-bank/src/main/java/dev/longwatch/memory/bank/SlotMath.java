package dev.longwatch.memory.bank;

/**
 * The bank's arithmetic on stored slots, row by row (one token of {@code dim} values at a time):
 * per-token norms, the mean per-token cosine, the count-weighted merge and the token mean.
 * Half-precision slots are read through {@link Half#WIDE}, never widened into a whole float copy;
 * slots made in binary16 (stored frames, merges) are made by {@link HalfSlotBuilder}, one row in
 * scratch at a time. Every dot product and norm is summed as {@link VectorMath#dot} sums it (float
 * products, eight interleaved float sums, added in double), so a similarity computed here is
 * bit-identical to {@link VectorMath#meanTokenCosine} on the widened values.
 */
final class SlotMath {
    private static final float[] WIDE = Half.WIDE;

    private SlotMath() {}

    /** Per-token L2 norms: {@code sqrt} of the sum of squares, summed as {@link VectorMath#cosine}. */
    static double[] norms(SlotTensor tensor, int tokens, int dim) {
        double[] norms = new double[tokens];
        for (int t = 0; t < tokens; t++) {
            norms[t] =
                    tensor.isHalf()
                            ? halfSquares(tensor.halves(), t * dim, dim)
                            : floatSquares(tensor.floats(), t * dim, dim);
        }
        return norms;
    }

    /**
     * Mean over tokens of the per-token cosine: {@code dot / (max(|a|, eps) · max(|b|, eps))} with
     * each norm taken from the tensor, so only the dot products read the values.
     */
    static double meanCosine(SlotTensor a, SlotTensor b, int tokens, int dim) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(
                    "cannot compare slots of " + a.length() + " and " + b.length() + " values");
        }
        // The cosine is symmetric to the last bit (x·y = y·x), so either side may lead.
        if (b.knownNorms() == null && !b.isHalf()) {
            return fullMeanCosine(b, a, tokens, dim);
        }
        if (a.knownNorms() == null && !a.isHalf()) {
            return fullMeanCosine(a, b, tokens, dim);
        }
        double[] normsA = a.norms(tokens, dim);
        double[] normsB = b.norms(tokens, dim);
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            sum += dot(a, b, t * dim, dim) / scale(normsA[t], normsB[t]);
        }
        return sum / tokens;
    }

    /**
     * {@link #meanCosine} when {@code b}, in floats, has no norms yet (a new frame, or a slot
     * read from a store that keeps none): its squares are summed in the same pass as the dot
     * products, and so are {@code a}'s when they are missing too. Both sets of norms are kept.
     */
    private static double fullMeanCosine(SlotTensor b, SlotTensor a, int tokens, int dim) {
        boolean withA = a.knownNorms() == null && !a.isHalf();
        double[] normsA = withA ? new double[tokens] : a.norms(tokens, dim);
        double[] normsB = new double[tokens];
        double[] sums = new double[3];
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            if (a.isHalf()) {
                mixedDotSquares(a.halves(), b.floats(), t * dim, dim, sums);
            } else {
                floatDotSquares(a.floats(), b.floats(), t * dim, dim, sums);
                if (withA) {
                    normsA[t] = sums[1];
                }
            }
            normsB[t] = sums[2];
            sum += sums[0] / scale(normsA[t], normsB[t]);
        }
        if (withA) {
            a.setNorms(normsA);
        }
        b.setNorms(normsB);
        return sum / tokens;
    }

    static double scale(double normA, double normB) {
        return Math.max(normA, VectorMath.COSINE_EPS) * Math.max(normB, VectorMath.COSINE_EPS);
    }

    private static double dot(SlotTensor a, SlotTensor b, int from, int len) {
        if (a.isHalf() && b.isHalf()) {
            return halfDot(a.halves(), b.halves(), from, len);
        }
        if (a.isHalf()) {
            return mixedDot(a.halves(), b.floats(), from, len);
        }
        if (b.isHalf()) {
            return mixedDot(b.halves(), a.floats(), from, len);
        }
        return floatDot(a.floats(), b.floats(), from, len);
    }

    /**
     * {@code values[from, from + tokens·dim)} rounded to binary16, with its norms and, when {@code
     * withMean}, its token mean.
     */
    static SlotTensor toHalves(float[] values, int from, int tokens, int dim, boolean withMean) {
        return HalfSlotBuilder.build(
                        HalfSlotBuilder.copyOf(values, from, dim), null, null, tokens, dim, withMean)
                .slot();
    }

    /**
     * A copy of {@code values[from, from + tokens·dim)} as floats rounded through binary16 (for an
     * F16 store the bank cannot read as bits), with its norms.
     */
    static SlotTensor toRoundedFloats(float[] values, int from, int tokens, int dim) {
        float[] copy = new float[tokens * dim];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = WIDE[Half.toHalf(values[from + i]) & 0xffff];
        }
        SlotTensor tensor = SlotTensor.ofFloats(copy, null);
        tensor.norms(tokens, dim);
        return tensor;
    }

    /**
     * {@code (na·a + nb·b) / (na + nb)} in float per value, as {@link VectorMath#weightedMean}, in
     * the form of the inputs (rounded to binary16 for halves, and for floats when {@code
     * roundToHalf}), with its norms, and with its token mean when {@code withMean} (summed in the
     * same pass for halves).
     */
    static SlotTensor merge(
            SlotTensor a,
            long na,
            SlotTensor b,
            long nb,
            int tokens,
            int dim,
            boolean roundToHalf,
            boolean withMean) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(
                    "cannot merge slots of " + a.length() + " and " + b.length() + " values");
        }
        if (a.isHalf() || b.isHalf()) {
            return mergeToHalves(a, na, b, nb, tokens, dim, withMean);
        }
        float[] merged = VectorMath.weightedMean(a.floats(), na, b.floats(), nb);
        if (roundToHalf) {
            for (int i = 0; i < merged.length; i++) {
                merged[i] = WIDE[Half.toHalf(merged[i]) & 0xffff];
            }
        }
        SlotTensor tensor = SlotTensor.ofFloats(merged, null);
        tensor.norms(tokens, dim);
        return tensor;
    }

    /**
     * The merge into binary16 when either side is bits. {@code (na·a + nb·b)} adds two floats, so
     * the sides may be swapped without changing a bit: a float side always goes second.
     */
    private static SlotTensor mergeToHalves(
            SlotTensor a, long na, SlotTensor b, long nb, int tokens, int dim, boolean withMean) {
        if (!a.isHalf()) {
            return mergeToHalves(b, nb, a, na, tokens, dim, withMean);
        }
        return HalfSlotBuilder.build(
                        HalfSlotBuilder.weightedMean(a, na, b, nb, dim),
                        null,
                        null,
                        tokens,
                        dim,
                        withMean)
                .slot();
    }

    /** The mean over tokens ({@code dim} floats), as {@link VectorMath#tokenMean}. */
    static float[] tokenMean(SlotTensor tensor, int tokens, int dim) {
        if (tensor.knownTokenMean() != null) {
            return tensor.knownTokenMean();
        }
        if (!tensor.isHalf()) {
            return VectorMath.tokenMean(tensor.floats(), tokens, dim);
        }
        short[] halves = tensor.halves();
        float[] sum = new float[dim];
        for (int t = 0; t < tokens; t++) {
            int base = t * dim;
            for (int d = 0; d < dim; d++) {
                sum[d] += WIDE[halves[base + d] & 0xffff];
            }
        }
        float[] mean = new float[dim];
        for (int d = 0; d < dim; d++) {
            mean[d] = (float) (sum[d] / tokens);
        }
        return mean;
    }

    /** Sets the token mean from column sums (in token order, as {@link VectorMath#tokenMean}). */
    static SlotTensor withMean(SlotTensor tensor, float[] sum, int tokens) {
        if (sum != null) {
            float[] mean = new float[sum.length];
            for (int d = 0; d < sum.length; d++) {
                mean[d] = (float) (sum[d] / tokens);
            }
            tensor.setTokenMean(mean);
        }
        return tensor;
    }

    private static double halfDot(short[] a, short[] b, int from, int len) {
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        int i = from;
        int end = from + len;
        for (; i + 7 < end; i += 8) {
            d0 += WIDE[a[i] & 0xffff] * WIDE[b[i] & 0xffff];
            d1 += WIDE[a[i + 1] & 0xffff] * WIDE[b[i + 1] & 0xffff];
            d2 += WIDE[a[i + 2] & 0xffff] * WIDE[b[i + 2] & 0xffff];
            d3 += WIDE[a[i + 3] & 0xffff] * WIDE[b[i + 3] & 0xffff];
            d4 += WIDE[a[i + 4] & 0xffff] * WIDE[b[i + 4] & 0xffff];
            d5 += WIDE[a[i + 5] & 0xffff] * WIDE[b[i + 5] & 0xffff];
            d6 += WIDE[a[i + 6] & 0xffff] * WIDE[b[i + 6] & 0xffff];
            d7 += WIDE[a[i + 7] & 0xffff] * WIDE[b[i + 7] & 0xffff];
        }
        for (; i < end; i++) {
            d0 += WIDE[a[i] & 0xffff] * WIDE[b[i] & 0xffff];
        }
        return VectorMath.lanes(d0, d1, d2, d3, d4, d5, d6, d7);
    }

    /**
     * Dot product of a half row with a float row and the float row's norm: {@code out[0]} the dot,
     * {@code out[2]} the norm.
     */
    private static void mixedDotSquares(short[] a, float[] b, int from, int len, double[] out) {
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        int end = from + len;
        for (; i + 7 < end; i += 8) {
            float y0 = b[i], y1 = b[i + 1], y2 = b[i + 2], y3 = b[i + 3];
            float y4 = b[i + 4], y5 = b[i + 5], y6 = b[i + 6], y7 = b[i + 7];
            d0 += WIDE[a[i] & 0xffff] * y0;
            d1 += WIDE[a[i + 1] & 0xffff] * y1;
            d2 += WIDE[a[i + 2] & 0xffff] * y2;
            d3 += WIDE[a[i + 3] & 0xffff] * y3;
            d4 += WIDE[a[i + 4] & 0xffff] * y4;
            d5 += WIDE[a[i + 5] & 0xffff] * y5;
            d6 += WIDE[a[i + 6] & 0xffff] * y6;
            d7 += WIDE[a[i + 7] & 0xffff] * y7;
            s0 += y0 * y0;
            s1 += y1 * y1;
            s2 += y2 * y2;
            s3 += y3 * y3;
            s4 += y4 * y4;
            s5 += y5 * y5;
            s6 += y6 * y6;
            s7 += y7 * y7;
        }
        for (; i < end; i++) {
            float y = b[i];
            d0 += WIDE[a[i] & 0xffff] * y;
            s0 += y * y;
        }
        out[0] = VectorMath.lanes(d0, d1, d2, d3, d4, d5, d6, d7);
        out[2] = Math.sqrt(VectorMath.lanes(s0, s1, s2, s3, s4, s5, s6, s7));
    }

    /** Half against float: products of the widened half and the float, in float. */
    private static double mixedDot(short[] a, float[] b, int from, int len) {
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        int i = from;
        int end = from + len;
        for (; i + 7 < end; i += 8) {
            d0 += WIDE[a[i] & 0xffff] * b[i];
            d1 += WIDE[a[i + 1] & 0xffff] * b[i + 1];
            d2 += WIDE[a[i + 2] & 0xffff] * b[i + 2];
            d3 += WIDE[a[i + 3] & 0xffff] * b[i + 3];
            d4 += WIDE[a[i + 4] & 0xffff] * b[i + 4];
            d5 += WIDE[a[i + 5] & 0xffff] * b[i + 5];
            d6 += WIDE[a[i + 6] & 0xffff] * b[i + 6];
            d7 += WIDE[a[i + 7] & 0xffff] * b[i + 7];
        }
        for (; i < end; i++) {
            d0 += WIDE[a[i] & 0xffff] * b[i];
        }
        return VectorMath.lanes(d0, d1, d2, d3, d4, d5, d6, d7);
    }

    /**
     * Dot product and both norms of two float rows, summed exactly as {@link VectorMath#cosine}:
     * {@code out[0]} the dot, {@code out[1]} the norm of {@code a}, {@code out[2]} that of {@code
     * b}.
     */
    private static void floatDotSquares(float[] a, float[] b, int from, int len, double[] out) {
        VectorMath.dotAndSquares(a, from, b, from, len, out);
        out[1] = Math.sqrt(out[1]);
        out[2] = Math.sqrt(out[2]);
    }

    private static double halfSquares(short[] a, int from, int len) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        int end = from + len;
        for (; i + 7 < end; i += 8) {
            float x0 = WIDE[a[i] & 0xffff], x1 = WIDE[a[i + 1] & 0xffff];
            float x2 = WIDE[a[i + 2] & 0xffff], x3 = WIDE[a[i + 3] & 0xffff];
            float x4 = WIDE[a[i + 4] & 0xffff], x5 = WIDE[a[i + 5] & 0xffff];
            float x6 = WIDE[a[i + 6] & 0xffff], x7 = WIDE[a[i + 7] & 0xffff];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
            s4 += x4 * x4;
            s5 += x5 * x5;
            s6 += x6 * x6;
            s7 += x7 * x7;
        }
        for (; i < end; i++) {
            float x = WIDE[a[i] & 0xffff];
            s0 += x * x;
        }
        return Math.sqrt(VectorMath.lanes(s0, s1, s2, s3, s4, s5, s6, s7));
    }

    private static double floatDot(float[] a, float[] b, int from, int len) {
        return VectorMath.dot(a, from, b, from, len);
    }

    private static double floatSquares(float[] a, int from, int len) {
        return Math.sqrt(VectorMath.dot(a, from, a, from, len));
    }
}
