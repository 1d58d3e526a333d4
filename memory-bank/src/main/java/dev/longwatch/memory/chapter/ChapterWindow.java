package dev.longwatch.memory.chapter;

import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.bank.VectorMath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers a window {@code [fromMs, toMs]} of any length from at most M slots: take the slots of the
 * sealed chapters (and the live bank) that overlap the window, in time order, and merge adjacent
 * pairs into their count-weighted mean until M remain, by the rule of the bank that made them:
 *
 * <ul>
 *   <li>slots that carry the strength of the boundary after them ({@link
 *       SlotSummary#endSimilarity}, every slot but the window's last: a {@link
 *       MergeRule#BOUNDARY} bank) lose their weakest boundary first, as the bank does; the merged
 *       slot keeps the boundary after its right side. Nothing is recomputed, and the window keeps
 *       the strongest cuts it holds, what one bank over the window alone would keep (up to the
 *       window's ends);
 *   <li>otherwise ({@link MergeRule#MBC}) the most similar adjacent pair goes first: the cosine of
 *       the descriptors (the mean over the slot's tokens, what a chapter keeps), recomputed for the
 *       two pairs each merge touches.
 * </ul>
 *
 * Ties go to the lowest index.
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
        boolean boundaries = carryBoundaries(slots);
        // Cached adjacent similarities: each merge recomputes only the two pairs it touches.
        List<Double> similarity = new ArrayList<>();
        for (int i = 0; i + 1 < slots.size(); i++) {
            similarity.add(
                    boundaries
                            ? slots.get(i).endSimilarity()
                            : cosine(slots.get(i), slots.get(i + 1)));
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
            if (boundaries) {
                continue; // the boundaries either side stay what they were
            }
            if (best > 0) {
                similarity.set(best - 1, cosine(slots.get(best - 1), merged));
            }
            if (best < similarity.size()) {
                similarity.set(best, cosine(merged, slots.get(best + 1)));
            }
        }
        return slots;
    }

    /** Whether every slot but the last carries the strength of the boundary after it. */
    private static boolean carryBoundaries(List<SlotSummary> slots) {
        for (int i = 0; i + 1 < slots.size(); i++) {
            if (Double.isNaN(slots.get(i).endSimilarity())) {
                return false;
            }
        }
        return slots.size() > 1;
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
                        left.descriptor(), left.frameCount(), right.descriptor(), right.frameCount()),
                right.endSimilarity());
    }
}
