package dev.longwatch.memory.testing;

import java.util.SplittableRandom;

/**
 * Embeddings of generated footage for the tests and benchmarks that need hours of it: scenes of
 * {@code sceneFrames} frames, each a seeded random vector, plus one of 31 seeded noise vectors per
 * frame. Cheap enough for ten hours at 1 fps, and the same for the same arguments in every run.
 *
 * <p>A test fixture, not product code: memory's test jar ships this package alone, so {@code
 * StateSizeITCase} here and the bench module's {@code bench state} and {@code bench query} feed
 * the same footage.
 */
public final class SyntheticFootage {
    private final int values;
    private final int sceneFrames;
    private final float[][] noise = new float[31][];
    private float[] scene;
    private long sceneNumber = -1;

    /**
     * @param values floats per frame ({@code tokens × dim})
     * @param sceneFrames frames per scene
     */
    public SyntheticFootage(int values, int sceneFrames) {
        if (values <= 0 || sceneFrames <= 0) {
            throw new IllegalArgumentException("values and sceneFrames must be > 0, got " + values + ", " + sceneFrames);
        }
        this.values = values;
        this.sceneFrames = sceneFrames;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = vector(random, 0.4);
        }
    }

    /** Frame {@code seq}, a new array; call with increasing {@code seq} (one scene is cached). */
    public float[] frame(long seq) {
        if (seq / sceneFrames != sceneNumber) {
            sceneNumber = seq / sceneFrames;
            scene = vector(new SplittableRandom(1000 + sceneNumber), 1);
        }
        float[] jitter = noise[(int) (seq % noise.length)];
        float[] frame = new float[values];
        for (int i = 0; i < values; i++) {
            frame[i] = scene[i] + jitter[i];
        }
        return frame;
    }

    private float[] vector(SplittableRandom random, double scale) {
        float[] out = new float[values];
        for (int i = 0; i < values; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return out;
    }
}
