package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.chapter.SealedChapter;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import java.util.List;

/** Turns a bank's slots into the {@code lw.memory} and {@code lw.chapters} messages. */
public final class Snapshots {
    private Snapshots() {}

    static MemorySnapshot of(
            String streamId,
            BankIndex index,
            long framesSeen,
            List<SlotSummary> slots,
            StreamProgress progress,
            int capacity,
            long nowMs,
            long incarnation) {
        MemorySnapshot.Builder snapshot =
                MemorySnapshot.newBuilder()
                        .setStreamId(streamId)
                        .setIncarnation(incarnation)
                        .setVersion(progress.version())
                        .setFramesSeen(framesSeen)
                        .setEncoderId(progress.encoderId())
                        .setCapacity(capacity)
                        .setLastSeq(index.lastSeq())
                        .setUpdatedMs(nowMs);
        for (SlotSummary slot : slots) {
            snapshot.addSlots(slot(slot));
        }
        return snapshot.build();
    }

    /** A sealed chapter as the {@code lw.chapters} message, of no known incarnation. */
    public static Chapter chapter(String streamId, SealedChapter sealed) {
        return chapter(streamId, sealed, 0);
    }

    /** A sealed chapter of the stream incarnation {@code incarnation}. */
    public static Chapter chapter(String streamId, SealedChapter sealed, long incarnation) {
        Chapter.Builder chapter =
                Chapter.newBuilder()
                        .setStreamId(streamId)
                        .setIncarnation(incarnation)
                        .setIndex(sealed.index())
                        .setStartMs(sealed.startMs())
                        .setEndMs(sealed.endMs());
        for (SlotSummary slot : sealed.slots()) {
            chapter.addSlots(slot(slot));
        }
        return chapter.build();
    }

    private static Slot slot(SlotSummary slot) {
        Slot.Builder out =
                Slot.newBuilder()
                        .setStartMs(slot.startMs())
                        .setEndMs(slot.endMs())
                        .setFrameCount(slot.frameCount())
                        .setKeyframeSeq(slot.keyframeSeq());
        for (float value : slot.descriptor()) {
            out.addDescriptor(value);
        }
        if (!Double.isNaN(slot.endSimilarity())) {
            out.setEndSimilarity(slot.endSimilarity());
        }
        return out.build();
    }
}
