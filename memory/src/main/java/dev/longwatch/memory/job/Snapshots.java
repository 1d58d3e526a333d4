package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import java.util.List;

/** Turns a bank's slots into the {@code lw.memory} message. */
final class Snapshots {
    private Snapshots() {}

    static MemorySnapshot of(
            String streamId,
            BankIndex index,
            List<SlotSummary> slots,
            StreamProgress progress,
            int capacity,
            long nowMs) {
        MemorySnapshot.Builder snapshot =
                MemorySnapshot.newBuilder()
                        .setStreamId(streamId)
                        .setVersion(progress.version())
                        .setFramesSeen(index.framesSeen())
                        .setEncoderId(progress.encoderId())
                        .setCapacity(capacity)
                        .setLastSeq(index.lastSeq())
                        .setUpdatedMs(nowMs);
        for (SlotSummary slot : slots) {
            Slot.Builder out =
                    Slot.newBuilder()
                            .setStartMs(slot.startMs())
                            .setEndMs(slot.endMs())
                            .setFrameCount(slot.frameCount())
                            .setKeyframeSeq(slot.keyframeSeq());
            for (float value : slot.descriptor()) {
                out.addDescriptor(value);
            }
            snapshot.addSlots(out);
        }
        return snapshot.build();
    }
}
