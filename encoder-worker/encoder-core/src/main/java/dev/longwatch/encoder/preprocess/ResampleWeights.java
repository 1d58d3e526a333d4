package dev.longwatch.encoder.preprocess;

/**
 * Precomputed 1-D resampling taps from {@code inSize} to {@code outSize} pixels, Pillow's
 * {@code precompute_coeffs}: output pixel {@code i} has its centre at {@code (i + 0.5) * scale}
 * in source coordinates and reads source pixels {@code first(i) .. first(i) + taps(i) - 1} with
 * weights that sum to 1.
 *
 * @param first first source pixel read by each output pixel
 * @param taps number of source pixels read by each output pixel
 * @param weights {@code stride} weights per output pixel, the first {@code taps(i)} in use
 * @param stride slots per output pixel in {@code weights}
 */
public record ResampleWeights(int[] first, int[] taps, float[] weights, int stride) {

    public static ResampleWeights of(int inSize, int outSize, ResizeFilter filter) {
        if (inSize < 1 || outSize < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
        }
        double scale = (double) inSize / outSize;
        // Shrinking stretches the kernel so that no source pixel is skipped (antialiasing).
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] taps = new int[outSize];
        float[] weights = new float[outSize * stride];
        double[] w = new double[stride];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // (int) truncates towards zero, exactly as Pillow's C cast does.
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            double sum = 0;
            for (int x = lo; x < hi; x++) {
                w[x - lo] = filter.weight((x - center + 0.5) / filterScale);
                sum += w[x - lo];
            }
            first[i] = lo;
            taps[i] = hi - lo;
            for (int k = 0; k < hi - lo; k++) {
                weights[i * stride + k] = (float) (sum == 0 ? 0 : w[k] / sum);
            }
        }
        return new ResampleWeights(first, taps, weights, stride);
    }

    /** Weight of tap {@code k} of output pixel {@code i}. */
    public float weight(int i, int k) {
        return weights[i * stride + k];
    }
}
