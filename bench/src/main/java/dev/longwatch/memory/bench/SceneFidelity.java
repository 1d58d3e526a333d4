package dev.longwatch.memory.bench;

import dev.longwatch.memory.strategy.MemorySlot;

import java.util.List;

/** How well a memory's slots line up with known scenes. */
public final class SceneFidelity {
    private SceneFidelity() {}

    /**
     * The share of scenes that keep at least one slot inside them. A slot is inside scene {@code
     * [start, end)} when its whole span is: {@code start <= slot.startMs} and {@code slot.endMs <
     * end}. A slot that straddles a cut belongs to no scene, so merging across scenes costs recall
     * just as forgetting a scene does.
     */
    public static double sceneRecall(List<MemorySlot> slots, List<Scene> scenes) {
        if (scenes.isEmpty()) {
            throw new IllegalArgumentException("scene recall needs at least one scene");
        }
        int kept = 0;
        for (Scene scene : scenes) {
            for (MemorySlot slot : slots) {
                if (scene.startMs() <= slot.startMs() && slot.endMs() < scene.endMs()) {
                    kept++;
                    break;
                }
            }
        }
        return (double) kept / scenes.size();
    }

    /**
     * Mean over scene boundaries of the distance, in seconds, to the nearest slot boundary. Scene
     * boundaries are the starts of every scene but the earliest (the cuts); slot boundaries are
     * every slot's {@code startMs} and {@code endMs}. NaN when there is no cut or no slot.
     */
    public static double spanErrorSec(List<MemorySlot> slots, List<Scene> scenes) {
        long earliest = scenes.stream().mapToLong(Scene::startMs).min().orElse(Long.MAX_VALUE);
        double sum = 0;
        int cuts = 0;
        for (Scene scene : scenes) {
            if (scene.startMs() == earliest || slots.isEmpty()) {
                continue;
            }
            long nearest = Long.MAX_VALUE;
            for (MemorySlot slot : slots) {
                nearest = Math.min(nearest, Math.abs(scene.startMs() - slot.startMs()));
                nearest = Math.min(nearest, Math.abs(scene.startMs() - slot.endMs()));
            }
            sum += nearest;
            cuts++;
        }
        return cuts == 0 ? Double.NaN : sum / cuts / 1000.0;
    }
}
