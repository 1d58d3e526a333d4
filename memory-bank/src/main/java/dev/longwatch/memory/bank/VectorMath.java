package dev.longwatch.memory.bank;

/** The arithmetic of the bank: cosine similarity, weighted merge, token mean. */
public final class VectorMath {
    /** torch.nn.functional.cosine_similarity's default eps, applied to each norm. */
    public static final double COSINE_EPS = 1e-8;

    private VectorMath() {}

    /**
     * Cosine of {@code a[aFrom..aFrom+len)} and {@code b[bFrom..bFrom+len)} as torch computes it:
     * {@code a·b / (max(|a|, eps) · max(|b|, eps))}, so a zero vector has similarity 0. Sums run in
     * double: the cache then holds the exact-ish value and ties depend on the data, not on order.
     */
    public static double cosine(float[] a, int aFrom, float[] b, int bFrom, int len) {
        // Four independent partial sums per quantity: a single double accumulator is bound by the
        // add latency, four keep the core busy. The order is fixed, so results are deterministic.
        double dot0 = 0, dot1 = 0, dot2 = 0, dot3 = 0;
        double aa0 = 0, aa1 = 0, aa2 = 0, aa3 = 0;
        double bb0 = 0, bb1 = 0, bb2 = 0, bb3 = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            double x0 = a[aFrom + i];
            double x1 = a[aFrom + i + 1];
            double x2 = a[aFrom + i + 2];
            double x3 = a[aFrom + i + 3];
            double y0 = b[bFrom + i];
            double y1 = b[bFrom + i + 1];
            double y2 = b[bFrom + i + 2];
            double y3 = b[bFrom + i + 3];
            dot0 += x0 * y0;
            dot1 += x1 * y1;
            dot2 += x2 * y2;
            dot3 += x3 * y3;
            aa0 += x0 * x0;
            aa1 += x1 * x1;
            aa2 += x2 * x2;
            aa3 += x3 * x3;
            bb0 += y0 * y0;
            bb1 += y1 * y1;
            bb2 += y2 * y2;
            bb3 += y3 * y3;
        }
        for (; i < len; i++) {
            double x = a[aFrom + i];
            double y = b[bFrom + i];
            dot0 += x * y;
            aa0 += x * x;
            bb0 += y * y;
        }
        double dot = (dot0 + dot1) + (dot2 + dot3);
        double aa = (aa0 + aa1) + (aa2 + aa3);
        double bb = (bb0 + bb1) + (bb2 + bb3);
        return dot / (Math.max(Math.sqrt(aa), COSINE_EPS) * Math.max(Math.sqrt(bb), COSINE_EPS));
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

    /** The mean over tokens of a {@code tokens × dim} row-major tensor: {@code dim} floats. */
    public static float[] tokenMean(float[] tensor, int tokens, int dim) {
        double[] sum = new double[dim];
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
