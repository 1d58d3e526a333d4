package dev.longwatch.memory.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming uniform sampling of at most {@code limit} frames: keep every {@code stride}-th frame
 * (by arrival index, starting with the first); when one more would exceed the limit, the stride
 * doubles and the frames off the new stride are dropped. The kept frames stay evenly spread over
 * everything seen, as Video-LLaVA's fixed sampling of a finished video would place them.
 */
final class StridedSample {
    private final int limit;
    private final List<Kept> kept = new ArrayList<>();
    private long stride = 1;
    private long arrivals;

    StridedSample(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("need room for at least one frame, got " + limit);
        }
        this.limit = limit;
    }

    void offer(long seq, long ptsMs, float[] values, int tokens) {
        long index = arrivals++;
        if (index % stride != 0) {
            return;
        }
        while (kept.size() >= limit) {
            stride *= 2;
            kept.removeIf(k -> k.index % stride != 0);
            if (index % stride != 0) {
                return;
            }
        }
        kept.add(new Kept(index, seq, ptsMs, tokens, values));
    }

    List<MemorySlot> slots() {
        List<MemorySlot> slots = new ArrayList<>(kept.size());
        for (Kept k : kept) {
            slots.add(new MemorySlot(k.ptsMs, k.ptsMs, 1, k.seq, k.tokens, k.values));
        }
        return slots;
    }

    private record Kept(long index, long seq, long ptsMs, int tokens, float[] values) {}
}
