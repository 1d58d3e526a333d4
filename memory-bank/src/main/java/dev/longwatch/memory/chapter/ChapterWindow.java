package dev.longwatch.memory.chapter;

import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.bank.VectorMath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers a window {@code [fromMs, toMs]} of any length from at most M slots: take the slots of the
 * sealed chapters (and the live bank) that overlap the window, in time order, and merge the most
 * similar adjacent pair (cosine of descriptors, lowest index on ties) into its count-weighted mean
 * until M remain: the bank's rule, applied to the descriptors a chapter keeps.
 */
public final class ChapterWindow {
    private ChapterWindow() {}

    public static List<SlotSummary> merge(
            List<SlotSummary> chapterSlots, long fromMs, long toMs, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be at least 1, got " + capacity);
        }
        if (toMs < fromMs) {
            throw new IllegalArgumentException(
                    "window ends (" + toMs + " ms) before it starts (" + fromMs + " ms)");
        }
        List<SlotSummary> slots = new ArrayList<>();
        for (SlotSummary slot : chapterSlots) {
            if (slot.endMs() >= fromMs && slot.startMs() <= toMs) {
                slots.add(slot);
            }
        }
        slots.sort(Comparator.comparingLong(SlotSummary::startMs));
        // Cached adjacent similarities: each merge recomputes only the two pairs it touches.
        List<Double> similarity = new ArrayList<>();
        for (int i = 0; i + 1 < slots.size(); i++) {
            similarity.add(cosine(slots.get(i), slots.get(i + 1)));
        }
        while (slots.size() > capacity) {
            int best = 0;
            for (int i = 1; i < similarity.size(); i++) {
                if (similarity.get(i) > similarity.get(best)) {
                    best = i;
                }
            }
            SlotSummary merged = merged(slots.get(best), slots.get(best + 1));
            slots.set(best, merged);
            slots.remove(best + 1);
            similarity.remove(best);
            if (best > 0) {
                similarity.set(best - 1, cosine(slots.get(best - 1), merged));
            }
            if (best < similarity.size()) {
                similarity.set(best, cosine(merged, slots.get(best + 1)));
            }
        }
        return slots;
    }

    private static double cosine(SlotSummary a, SlotSummary b) {
        return VectorMath.cosine(a.descriptor(), 0, b.descriptor(), 0, a.descriptor().length);
    }

    private static SlotSummary merged(SlotSummary left, SlotSummary right) {
        long keyframe = left.frameCount() >= right.frameCount() ? left.keyframeSeq() : right.keyframeSeq();
        return new SlotSummary(
                left.startMs(),
                right.endMs(),
                left.frameCount() + right.frameCount(),
                keyframe,
                VectorMath.weightedMean(
                        left.descriptor(), left.frameCount(), right.descriptor(), right.frameCount()));
    }
}
