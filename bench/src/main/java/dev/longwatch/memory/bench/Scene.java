package dev.longwatch.memory.bench;

/** A ground-truth scene: media time {@code [startMs, endMs)}. */
public record Scene(long startMs, long endMs) {

    public Scene {
        if (endMs <= startMs) {
            throw new IllegalArgumentException(
                    "scene must end after it starts, got [" + startMs + ", " + endMs + ")");
        }
    }
}
