package dev.longwatch.memory.strategy;

/** Spatial pooling of one frame's tokens. */
final class Pooling {
    private Pooling() {}

    /** Mean of all tokens: one {@code dim} vector (Video-ChatGPT's and LITA's per-frame token). */
    static float[] allTokens(float[] frame, int tokens, int dim) {
        return groups(frame, tokens, dim, tokens);
    }

    /**
     * Averages each run of {@code group} consecutive tokens (the last run may be shorter): {@code
     * ceil(tokens / group)} vectors. On a row-major patch grid this is pooling along rows, the 1-D
     * form of PLLaVA's adaptive average pooling, which needs no assumption about the grid's shape.
     */
    static float[] groups(float[] frame, int tokens, int dim, int group) {
        int out = pooledTokens(tokens, group);
        float[] pooled = new float[out * dim];
        for (int o = 0; o < out; o++) {
            int from = o * group;
            int to = Math.min(tokens, from + group);
            for (int t = from; t < to; t++) {
                for (int d = 0; d < dim; d++) {
                    pooled[o * dim + d] += frame[t * dim + d];
                }
            }
            float n = to - from;
            for (int d = 0; d < dim; d++) {
                pooled[o * dim + d] /= n;
            }
        }
        return pooled;
    }

    static int pooledTokens(int tokens, int group) {
        return (tokens + group - 1) / group;
    }
}
