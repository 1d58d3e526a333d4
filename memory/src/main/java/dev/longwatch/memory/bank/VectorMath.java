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
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < len; i++) {
            double x = a[aFrom + i];
            double y = b[bFrom + i];
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
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
