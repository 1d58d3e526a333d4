package dev.longwatch.query.ask;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import java.util.ArrayList;
import java.util.List;

/**
 * One memory slot as the API shows it: its span in seconds from the stream's first frame, how
 * many frames it merged, and the frame that stands for it.
 *
 * @param number 1-based position of the slot among the slots shown (the prompt's "Slot n")
 */
public record SlotSpan(int number, double startSec, double endSec, long frames, long keyframeSeq) {

    /** The slots of {@code memory} that overlap {@code window}, in time order, numbered from 1. */
    public static List<SlotSpan> of(MemorySnapshot memory, TimeWindow window) {
        return of(memory.getSlotsList(), window);
    }

    /**
     * The slots of the sealed {@code chapters} and the current {@code memory} that overlap
     * {@code window}, merged down to the bank's capacity ({@link WindowSlots}), in time order.
     * Without chapters the same as {@link #of(MemorySnapshot, TimeWindow)}.
     */
    public static List<SlotSpan> of(MemorySnapshot memory, List<Chapter> chapters, TimeWindow window) {
        return of(WindowSlots.of(memory, chapters, window), window);
    }

    private static List<SlotSpan> of(List<Slot> memorySlots, TimeWindow window) {
        List<Slot> slots = new ArrayList<>(memorySlots);
        // The memory job keeps slots in time order; sort anyway, the prompt numbering relies on it.
        slots.sort((a, b) -> Long.compare(a.getStartMs(), b.getStartMs()));
        List<SlotSpan> out = new ArrayList<>();
        for (Slot slot : slots) {
            double start = slot.getStartMs() / 1000.0;
            double end = slot.getEndMs() / 1000.0;
            if (window.overlaps(start, end)) {
                out.add(new SlotSpan(out.size() + 1, start, end, slot.getFrameCount(), slot.getKeyframeSeq()));
            }
        }
        return out;
    }
}
