package dev.longwatch.encoder.postprocess;

/**
 * Average pooling of a token grid, as PLLaVA pools the vision tower's patches before the LLM.
 * Windows follow {@code torch.nn.functional.adaptive_avg_pool2d}: output cell {@code i} of
 * {@code out} averages input rows {@code floor(i·in/out) .. ceil((i+1)·in/out) - 1}, so a grid
 * that {@code k} does not divide gets slightly overlapping windows instead of a dropped edge.
 */
public final class SpatialPooling {
    private SpatialPooling() {}

    /** Output cells per side when pooling {@code size} cells with a {@code k}-wide kernel. */
    public static int pooledSize(int size, int k) {
        return (size + k - 1) / k;
    }

    /**
     * Pools a row-major {@code height × width} grid of {@code dim}-wide tokens with a {@code k × k}
     * kernel; {@code k == 1} returns the input.
     */
    public static float[] average(float[] tokens, int height, int width, int dim, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("pooling kernel must be at least 1, was " + k);
        }
        if (tokens.length != height * width * dim) {
            throw new IllegalArgumentException(
                    "expected " + height + "x" + width + "x" + dim + " values, got " + tokens.length);
        }
        if (k == 1) {
            return tokens;
        }
        int outH = pooledSize(height, k);
        int outW = pooledSize(width, k);
        float[] out = new float[outH * outW * dim];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.floorDiv(oy * height, outH);
            int y1 = -Math.floorDiv(-(oy + 1) * height, outH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.floorDiv(ox * width, outW);
                int x1 = -Math.floorDiv(-(ox + 1) * width, outW);
                int base = (oy * outW + ox) * dim;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int in = (y * width + x) * dim;
                        for (int d = 0; d < dim; d++) {
                            out[base + d] += tokens[in + d];
                        }
                    }
                }
                float inv = 1f / ((y1 - y0) * (x1 - x0));
                for (int d = 0; d < dim; d++) {
                    out[base + d] *= inv;
                }
            }
        }
        return out;
    }
}
