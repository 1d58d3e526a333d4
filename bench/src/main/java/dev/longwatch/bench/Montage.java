package dev.longwatch.bench;

import dev.longwatch.memory.bench.Scene;
import dev.longwatch.memory.strategy.StrategyInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Shots strung together in a seeded order into footage of at least a given length, each
 * occurrence one ground-truth scene. An occurrence lasts a drawn length: longer than its shot, it
 * plays the shot forward, then backward, and so on, so a long scene stays continuous footage
 * instead of jumping back to its first frame at every loop. Never the same shot twice in a row.
 *
 * @param frames every frame, seq from 0, media time increasing
 * @param scenes one per occurrence, in order
 * @param order what played when, so the order is on record
 */
record Montage(List<StrategyInput> frames, List<Scene> scenes, List<Occurrence> order) {

    /** One occurrence: {@code shot} from {@code startMs} for {@code lengthMs}. */
    record Occurrence(String shot, long startMs, long lengthMs) {}

    /** How long one occurrence of a shot plays. */
    interface SceneLength {
        long millis(Random random, EncodedClip shot);
    }

    /** Lengths log-uniform in {@code [minMs, maxMs]}: many short scenes, a few long ones. */
    static SceneLength logUniform(long minMs, long maxMs) {
        if (minMs <= 0 || maxMs < minMs) {
            throw new IllegalArgumentException("scene lengths need 0 < min <= max, got " + minMs + " and " + maxMs);
        }
        double logMin = Math.log(minMs);
        double logMax = Math.log(maxMs);
        return (random, shot) -> Math.round(Math.exp(logMin + random.nextDouble() * (logMax - logMin)));
    }

    static Montage build(List<EncodedClip> shots, long seed, long leastMs, SceneLength sceneLength, int tokens, int dim) {
        if (shots.size() < 2) {
            throw new IllegalArgumentException("a montage needs at least two shots, got " + shots.size());
        }
        Random random = new Random(seed);
        List<StrategyInput> frames = new ArrayList<>();
        List<Scene> scenes = new ArrayList<>();
        List<Occurrence> order = new ArrayList<>();
        long offsetMs = 0;
        int previous = -1;
        long seq = 0;
        while (offsetMs < leastMs) {
            int pick = random.nextInt(shots.size() - 1);
            if (previous >= 0 && pick >= previous) {
                pick++; // skips the previous shot: each occurrence is a scene of its own
            }
            EncodedClip shot = shots.get(pick);
            long lengthMs = sceneLength.millis(random, shot);
            int count = shot.tokens().size();
            boolean backwards = false;
            for (long loopMs = 0; loopMs < lengthMs; loopMs += shot.durationMs(), backwards = !backwards) {
                for (int i = 0; i < count; i++) {
                    long atMs = loopMs + shot.ptsMs().get(i);
                    if (atMs >= lengthMs) {
                        break;
                    }
                    float[] values = shot.tokens().get(backwards ? count - 1 - i : i);
                    frames.add(new StrategyInput(seq++, offsetMs + atMs, tokens, dim, values));
                }
            }
            scenes.add(new Scene(offsetMs, offsetMs + lengthMs));
            order.add(new Occurrence(shot.name(), offsetMs, lengthMs));
            offsetMs += lengthMs;
            previous = pick;
        }
        return new Montage(frames, scenes, order);
    }
}
