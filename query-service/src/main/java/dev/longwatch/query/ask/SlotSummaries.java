package dev.longwatch.query.ask;

import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.schema.proto.Slot;

/**
 * Converts between the wire {@link Slot} of lw.memory / lw.chapters and the memory module's
 * {@link SlotSummary}, which {@code ChapterWindow.merge} works on. Every field is carried over
 * unchanged, so a slot that is not merged comes back equal to the one that went in.
 */
final class SlotSummaries {
    private SlotSummaries() {}

    static SlotSummary toSummary(Slot slot) {
        float[] descriptor = new float[slot.getDescriptorCount()];
        for (int i = 0; i < descriptor.length; i++) {
            descriptor[i] = slot.getDescriptor(i);
        }
        return new SlotSummary(
                slot.getStartMs(),
                slot.getEndMs(),
                slot.getFrameCount(),
                slot.getKeyframeSeq(),
                descriptor,
                slot.hasEndSimilarity() ? slot.getEndSimilarity() : Double.NaN);
    }

    static Slot toSlot(SlotSummary summary) {
        Slot.Builder slot =
                Slot.newBuilder()
                        .setStartMs(summary.startMs())
                        .setEndMs(summary.endMs())
                        .setFrameCount(summary.frameCount())
                        .setKeyframeSeq(summary.keyframeSeq());
        for (float value : summary.descriptor()) {
            slot.addDescriptor(value);
        }
        if (!Double.isNaN(summary.endSimilarity())) {
            slot.setEndSimilarity(summary.endSimilarity());
        }
        return slot.build();
    }
}
