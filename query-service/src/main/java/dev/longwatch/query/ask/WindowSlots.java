package dev.longwatch.query.ask;

import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.chapter.ChapterWindow;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import java.util.ArrayList;
import java.util.List;

/**
 * The slots a window is answered from: the slots of the sealed chapters and of the current bank
 * that overlap the window, merged down to the bank's capacity M with the memory job's own rule
 * ({@link ChapterWindow#merge}). So a window of any length is answered from at most M slots.
 */
public final class WindowSlots {
    /** M when a snapshot does not say (written before capacity was a field). */
    static final int DEFAULT_CAPACITY = 20;

    private WindowSlots() {}

    /**
     * @param chapters the stream's sealed chapters; with none, the current slots are returned as
     *     they are (no window filter either: {@link SlotSpan} applies it)
     * @throws IllegalStateException if the slots carry descriptors of different lengths (the
     *     stream changed encoder between chapters), which cannot be merged
     */
    public static List<Slot> of(MemorySnapshot current, List<Chapter> chapters, TimeWindow window) {
        if (chapters.isEmpty()) {
            return current.getSlotsList();
        }
        // The current bank starts where the last sealed chapter ends (end exclusive). A snapshot
        // written before the seal may still hold slots that are now in a chapter: skip those, or
        // they would count twice.
        long sealedUntil = Long.MIN_VALUE;
        List<SlotSummary> candidates = new ArrayList<>();
        for (Chapter chapter : chapters) {
            sealedUntil = Math.max(sealedUntil, chapter.getEndMs());
            addOverlapping(chapter.getSlotsList(), window, Long.MIN_VALUE, candidates);
        }
        addOverlapping(current.getSlotsList(), window, sealedUntil, candidates);
        requireOneDescriptorLength(current.getStreamId(), candidates);
        int capacity = current.getCapacity() > 0 ? current.getCapacity() : DEFAULT_CAPACITY;
        // The window filter above is TimeWindow's (seconds, closed), the same one SlotSpan applies,
        // so the merge is given the whole time line and only merges.
        return ChapterWindow.merge(candidates, Long.MIN_VALUE, Long.MAX_VALUE, capacity).stream()
                .map(SlotSummaries::toSlot)
                .toList();
    }

    private static void addOverlapping(
            List<Slot> slots, TimeWindow window, long notBeforeMs, List<SlotSummary> into) {
        for (Slot slot : slots) {
            if (slot.getStartMs() >= notBeforeMs
                    && window.overlaps(slot.getStartMs() / 1000.0, slot.getEndMs() / 1000.0)) {
                into.add(SlotSummaries.toSummary(slot));
            }
        }
    }

    private static void requireOneDescriptorLength(String streamId, List<SlotSummary> slots) {
        for (SlotSummary slot : slots) {
            int expected = slots.get(0).descriptor().length;
            if (slot.descriptor().length != expected) {
                throw new IllegalStateException(
                        "stream '" + streamId + "': slots carry descriptors of " + expected + " and "
                                + slot.descriptor().length + " values and cannot be merged into one window");
            }
        }
    }
}
