package dev.longwatch.memory.bank;

import java.util.Random;

/**
 * Seeded synthetic frames. Half the seeds draw independent Gaussian frames; the other half walk
 * through "scenes" (a base vector plus noise, with occasional cuts), which is closer to video and
 * gives the bank long runs of similar frames to merge.
 */
final class RandomFrames {
    private final Random random;
    private final int tokens;
    private final int dim;
    private final boolean scenes;
    private float[] scene;

    RandomFrames(long seed, int tokens, int dim) {
        this.random = new Random(seed);
        this.tokens = tokens;
        this.dim = dim;
        this.scenes = (seed & 1) == 0;
    }

    float[] next() {
        float[] values = new float[tokens * dim];
        if (!scenes) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            return values;
        }
        if (scene == null || random.nextDouble() < 0.15) {
            scene = new float[values.length];
            for (int i = 0; i < scene.length; i++) {
                scene[i] = (float) random.nextGaussian();
            }
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = scene[i] + 0.4f * (float) random.nextGaussian();
        }
        return values;
    }

    float[][] asTokens(float[] values) {
        float[][] rows = new float[tokens][];
        for (int n = 0; n < tokens; n++) {
            rows[n] = java.util.Arrays.copyOfRange(values, n * dim, (n + 1) * dim);
        }
        return rows;
    }

    Random random() {
        return random;
    }
}
