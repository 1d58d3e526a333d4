package dev.longwatch.memory.bank;

import java.util.Arrays;

/**
 * A mutable working copy of a {@link Lane} for the length of one append: append an entry, pick the
 * pair to merge, merge it, and turn the result back into an immutable lane.
 */
final class LaneEditor {
    final long[] ids;
    final long[] counts;
    final long[] startMs;
    final long[] endMs;
    final long[] keyframeSeqs;
    final boolean[] gapBefore;

    /** similarities[i] belongs to the pair (i, i + 1). */
    final double[] similarities;

    int size;

    /**
     * @param room the most entries this editor must hold (capacity + 1)
     */
    LaneEditor(Lane lane, int room) {
        if (lane.size() >= room) {
            throw new IllegalStateException(
                    "lane holds " + lane.size() + " entries, more than the bank's capacity");
        }
        ids = Arrays.copyOf(lane.ids(), room);
        counts = Arrays.copyOf(lane.counts(), room);
        startMs = Arrays.copyOf(lane.startMs(), room);
        endMs = Arrays.copyOf(lane.endMs(), room);
        keyframeSeqs = Arrays.copyOf(lane.keyframeSeqs(), room);
        gapBefore = Arrays.copyOf(lane.gapBefore(), room);
        similarities = Arrays.copyOf(lane.similarities(), room);
        size = lane.size();
    }

    long lastId() {
        return ids[size - 1];
    }

    /** Adds a one-frame entry; {@code similarityToPrevious} is ignored for the first entry. */
    void append(long id, long seq, long ptsMs, boolean gap, double similarityToPrevious) {
        ids[size] = id;
        counts[size] = 1;
        startMs[size] = ptsMs;
        endMs[size] = ptsMs;
        keyframeSeqs[size] = seq;
        gapBefore[size] = gap;
        if (size > 0) {
            similarities[size - 1] = similarityToPrevious;
        }
        size++;
    }

    /**
     * The pair to merge: the most similar allowed pair, lowest index on ties. A pair (i, i + 1) is
     * not allowed when entry i + 1 starts after a gap, unless {@code allowAcrossGaps}. When no pair
     * is allowed (every pair straddles a gap) the bank must still shrink, so the most similar pair
     * of all is taken and the choice reports that it crosses a gap.
     */
    PairChoice choosePair(boolean allowAcrossGaps) {
        int best = argmax(allowAcrossGaps);
        if (best >= 0) {
            return new PairChoice(best, gapBefore[best + 1]);
        }
        best = argmax(true);
        // Only NaN similarities are left (not reachable with finite inputs): merge the oldest.
        return new PairChoice(Math.max(best, 0), true);
    }

    private int argmax(boolean allowAcrossGaps) {
        int best = -1;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int i = 0; i + 1 < size; i++) {
            if (!allowAcrossGaps && gapBefore[i + 1]) {
                continue;
            }
            // Strictly greater: the first of equal maxima wins, as torch.max returns it.
            if (similarities[i] > bestSimilarity) {
                bestSimilarity = similarities[i];
                best = i;
            }
        }
        return best;
    }

    /**
     * Replaces entries t and t + 1 by one entry under id {@code ids[t]}: counts add up, the span
     * runs from t's start to t + 1's end, and the keyframe is that of the side with more frames
     * (the earlier side on a tie). The similarities of the pairs now touching entry t are stale
     * afterwards and must be set by the caller.
     */
    void merge(int t) {
        int right = t + 1;
        keyframeSeqs[t] = counts[t] >= counts[right] ? keyframeSeqs[t] : keyframeSeqs[right];
        counts[t] += counts[right];
        endMs[t] = endMs[right];
        // gapBefore[t] stays: the merged entry still starts where entry t started.
        int tail = size - right - 1;
        System.arraycopy(ids, right + 1, ids, right, tail);
        System.arraycopy(counts, right + 1, counts, right, tail);
        System.arraycopy(startMs, right + 1, startMs, right, tail);
        System.arraycopy(endMs, right + 1, endMs, right, tail);
        System.arraycopy(keyframeSeqs, right + 1, keyframeSeqs, right, tail);
        System.arraycopy(gapBefore, right + 1, gapBefore, right, tail);
        // Pair (t, t+1) disappears; pair (t+1, t+2) becomes pair (t, t+1).
        System.arraycopy(similarities, right, similarities, t, Math.max(tail, 0));
        size--;
    }

    Lane toLane() {
        return new Lane(
                Arrays.copyOf(ids, size),
                Arrays.copyOf(counts, size),
                Arrays.copyOf(startMs, size),
                Arrays.copyOf(endMs, size),
                Arrays.copyOf(keyframeSeqs, size),
                Arrays.copyOf(gapBefore, size),
                Arrays.copyOf(similarities, Math.max(size - 1, 0)));
    }

    /**
     * @param acrossGap the chosen pair straddles a gap marker
     */
    record PairChoice(int index, boolean acrossGap) {}
}
