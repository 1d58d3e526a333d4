package dev.longwatch.memory.bank;

/** The arithmetic of the bank: cosine similarity, weighted merge, token mean. */
public final class VectorMath {
    /** torch.nn.functional.cosine_similarity's default eps, applied to each norm. */
    public static final double COSINE_EPS = 1e-8;

    private VectorMath() {}

    /**
     * Cosine of {@code a[aFrom..aFrom+len)} and {@code b[bFrom..bFrom+len)} as torch computes it:
     * {@code a·b / (max(|a|, eps) · max(|b|, eps))}, so a zero vector has similarity 0. Sums run as
     * {@link #dot} runs them.
     */
    public static double cosine(float[] a, int aFrom, float[] b, int bFrom, int len) {
        double[] sums = new double[3];
        dotAndSquares(a, aFrom, b, bFrom, len, sums);
        return sums[0]
                / (Math.max(Math.sqrt(sums[1]), COSINE_EPS)
                        * Math.max(Math.sqrt(sums[2]), COSINE_EPS));
    }

    /**
     * {@code a·b} over {@code len} values: float products summed in eight interleaved float
     * partial sums (value i into sum i mod 8, the tail into the first), then the partial sums in
     * double by {@link #lanes}. Eight float sums rather than four double ones: on a 1024-value row
     * each float sum adds 128 products, far below the rounding of half-precision storage (about
     * 5e-4) and more accurate than MA-LMM's own single float sum per row; the loop no longer
     * converts every product to double, and a compression step ran about 5-10% faster. Every dot
     * product and norm of the bank sums this way, so a cached similarity is the same whichever
     * path made it.
     */
    static double dot(float[] a, int aFrom, float[] b, int bFrom, int len) {
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        int i = 0;
        for (; i + 7 < len; i += 8) {
            d0 += a[aFrom + i] * b[bFrom + i];
            d1 += a[aFrom + i + 1] * b[bFrom + i + 1];
            d2 += a[aFrom + i + 2] * b[bFrom + i + 2];
            d3 += a[aFrom + i + 3] * b[bFrom + i + 3];
            d4 += a[aFrom + i + 4] * b[bFrom + i + 4];
            d5 += a[aFrom + i + 5] * b[bFrom + i + 5];
            d6 += a[aFrom + i + 6] * b[bFrom + i + 6];
            d7 += a[aFrom + i + 7] * b[bFrom + i + 7];
        }
        for (; i < len; i++) {
            d0 += a[aFrom + i] * b[bFrom + i];
        }
        return lanes(d0, d1, d2, d3, d4, d5, d6, d7);
    }

    /**
     * {@code out[0] = a·b}, {@code out[1] = a·a}, {@code out[2] = b·b}, each summed as {@link
     * #dot}, in one pass.
     */
    static void dotAndSquares(float[] a, int aFrom, float[] b, int bFrom, int len, double[] out) {
        float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
        float p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        float q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        int i = 0;
        for (; i + 7 < len; i += 8) {
            float x0 = a[aFrom + i], x1 = a[aFrom + i + 1], x2 = a[aFrom + i + 2], x3 = a[aFrom + i + 3];
            float x4 = a[aFrom + i + 4], x5 = a[aFrom + i + 5], x6 = a[aFrom + i + 6], x7 = a[aFrom + i + 7];
            float y0 = b[bFrom + i], y1 = b[bFrom + i + 1], y2 = b[bFrom + i + 2], y3 = b[bFrom + i + 3];
            float y4 = b[bFrom + i + 4], y5 = b[bFrom + i + 5], y6 = b[bFrom + i + 6], y7 = b[bFrom + i + 7];
            d0 += x0 * y0;
            d1 += x1 * y1;
            d2 += x2 * y2;
            d3 += x3 * y3;
            d4 += x4 * y4;
            d5 += x5 * y5;
            d6 += x6 * y6;
            d7 += x7 * y7;
            p0 += x0 * x0;
            p1 += x1 * x1;
            p2 += x2 * x2;
            p3 += x3 * x3;
            p4 += x4 * x4;
            p5 += x5 * x5;
            p6 += x6 * x6;
            p7 += x7 * x7;
            q0 += y0 * y0;
            q1 += y1 * y1;
            q2 += y2 * y2;
            q3 += y3 * y3;
            q4 += y4 * y4;
            q5 += y5 * y5;
            q6 += y6 * y6;
            q7 += y7 * y7;
        }
        for (; i < len; i++) {
            float x = a[aFrom + i];
            float y = b[bFrom + i];
            d0 += x * y;
            p0 += x * x;
            q0 += y * y;
        }
        out[0] = lanes(d0, d1, d2, d3, d4, d5, d6, d7);
        out[1] = lanes(p0, p1, p2, p3, p4, p5, p6, p7);
        out[2] = lanes(q0, q1, q2, q3, q4, q5, q6, q7);
    }

    /** The eight partial sums of {@link #dot} added in double, in a fixed order. */
    static double lanes(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) {
        return ((((double) s0 + s1) + (s2 + (double) s3)) + (((double) s4 + s5) + (s6 + (double) s7)));
    }

    /** Mean over token positions of the per-token cosine (MA-LMM's {@code sync=True}). */
    public static double meanTokenCosine(float[] a, float[] b, int tokens, int dim) {
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            sum += cosine(a, t * dim, b, t * dim, dim);
        }
        return sum / tokens;
    }

    /**
     * {@code (na·a + nb·b) / (na + nb)} in float, in the order MA-LMM evaluates it (scale both,
     * add, divide by the summed count).
     */
    public static float[] weightedMean(float[] a, long na, float[] b, long nb) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "cannot merge vectors of " + a.length + " and " + b.length + " values");
        }
        float fa = na;
        float fb = nb;
        float total = fa + fb;
        float[] out = new float[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (a[i] * fa + b[i] * fb) / total;
        }
        return out;
    }

    /**
     * The mean over tokens of a {@code tokens × dim} row-major tensor: {@code dim} floats. The
     * column sums run in float, token after token (a float loop C2 vectorizes; in double the
     * conversion of every value kept it scalar, 13% of an F16 compression step at 256 x 1024):
     * off by at most {@code tokens} units of float roundoff of the summed magnitudes, 1.5e-5
     * relative for 256 tokens, far below binary16 storage's 4.9e-4.
     */
    public static float[] tokenMean(float[] tensor, int tokens, int dim) {
        float[] sum = new float[dim];
        for (int t = 0; t < tokens; t++) {
            int base = t * dim;
            for (int d = 0; d < dim; d++) {
                sum[d] += tensor[base + d];
            }
        }
        float[] mean = new float[dim];
        for (int d = 0; d < dim; d++) {
            mean[d] = (float) (sum[d] / tokens);
        }
        return mean;
    }
}
