package dev.longwatch.memory.chapter;

import dev.longwatch.memory.bank.SlotSummary;

import java.util.ArrayList;
import java.util.List;

/**
 * The frame-level bank of one chapter, as it was when the chapter closed.
 *
 * @param index the chapter's number, from 0 at the stream's first frame
 * @param startMs media time where the chapter starts (inclusive)
 * @param endMs media time where the chapter ends (exclusive)
 * @param slots the bank's slots, oldest first, at most M
 */
public record SealedChapter(long index, long startMs, long endMs, List<SlotSummary> slots) {

    /** This chapter with {@code value} as the strength of the boundary after its last slot. */
    SealedChapter withLastEndSimilarity(double value) {
        List<SlotSummary> copy = new ArrayList<>(slots);
        int last = copy.size() - 1;
        copy.set(last, copy.get(last).withEndSimilarity(value));
        return new SealedChapter(index, startMs, endMs, List.copyOf(copy));
    }
}
