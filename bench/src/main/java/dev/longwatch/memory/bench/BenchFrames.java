package dev.longwatch.memory.bench;

import java.util.Random;

/**
 * Seeded synthetic frames for the benchmarks: a walk through "scenes" (a base tensor plus noise,
 * with a cut every few frames), so the bank sees runs of similar frames as it would on video.
 */
final class BenchFrames {
    private BenchFrames() {}

    /** {@code count} frames of {@code tokens × dim} floats, row-major. */
    static float[][] flat(long seed, int count, int tokens, int dim) {
        Random random = new Random(seed);
        int values = tokens * dim;
        float[][] frames = new float[count][];
        float[] scene = null;
        for (int f = 0; f < count; f++) {
            if (scene == null || f % 5 == 0) {
                scene = gaussian(random, values);
            }
            float[] frame = new float[values];
            for (int i = 0; i < values; i++) {
                frame[i] = scene[i] + 0.4f * (float) random.nextGaussian();
            }
            frames[f] = frame;
        }
        return frames;
    }

    /** The same frames as MA-LMM's layout, {@code [tokens][dim]} per frame. */
    static float[][][] perToken(float[][] flat, int tokens, int dim) {
        float[][][] frames = new float[flat.length][tokens][];
        for (int f = 0; f < flat.length; f++) {
            for (int n = 0; n < tokens; n++) {
                frames[f][n] = java.util.Arrays.copyOfRange(flat[f], n * dim, (n + 1) * dim);
            }
        }
        return frames;
    }

    private static float[] gaussian(Random random, int values) {
        float[] out = new float[values];
        for (int i = 0; i < values; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}
