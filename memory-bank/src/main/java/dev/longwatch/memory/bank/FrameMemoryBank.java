package dev.longwatch.memory.bank;

import java.util.ArrayList;
import java.util.List;

/**
 * Frame granularity: one lane of whole-frame entries, compared by the mean over tokens of the
 * per-token cosine, so every slot is a contiguous run of frames. Keeps each slot's token-mean
 * descriptor next to its tensor so snapshots stay cheap.
 */
final class FrameMemoryBank extends AbstractMemoryBank {

    FrameMemoryBank(BankConfig config) {
        super(config);
    }

    @Override
    AppendOutcome appendNew(BankIndex index, BankFrame frame, BankStorage storage) {
        int tokens = frame.tokens();
        int dim = frame.dim();
        Lane lane = index.isEmpty() ? Lane.empty() : index.lanes()[0];
        LaneEditor editor = new LaneEditor(lane, config.capacity() + 1);
        SlotTensors slots = new SlotTensors(storage, tokens, dim, true);

        long id = index.nextId();
        LaneCompressor.Step step =
                compressor.append(editor, slots, id, slots.arriving(frame.values(), 0), frame);
        if (step.stored() != null) {
            storage.descriptors().put(id, SlotMath.tokenMean(step.stored(), tokens, dim));
        }
        LaneCompressor.Merge merge = step.merge();
        if (merge != null) {
            storage.descriptors()
                    .put(merge.keptId(), SlotMath.tokenMean(merge.merged(), tokens, dim));
            if (step.stored() != null) {
                storage.descriptors().remove(merge.removedId());
            }
        }
        BankIndex next =
                new BankIndex(
                        tokens,
                        dim,
                        id + 1,
                        index.framesSeen() + 1,
                        frame.seq(),
                        new Lane[] {editor.toLane()});
        return new AppendOutcome(
                next,
                true,
                step.similarityToPrevious(),
                merge != null,
                merge != null && merge.acrossGap());
    }

    @Override
    public List<SlotSummary> slots(BankIndex index, BankStorage storage) {
        return wholeFrameSlots(index, storage);
    }

    /**
     * The summaries of a bank of whole-frame slots (one lane, a descriptor per slot), in a new
     * mutable list; the boundary rule's bank adds its boundary strengths to them.
     */
    static List<SlotSummary> wholeFrameSlots(BankIndex index, BankStorage storage) {
        if (index.isEmpty()) {
            return new ArrayList<>();
        }
        Lane lane = index.lanes()[0];
        List<SlotSummary> slots = new ArrayList<>(lane.size());
        for (int i = 0; i < lane.size(); i++) {
            float[] descriptor = storage.descriptors().get(lane.ids()[i]);
            if (descriptor == null) {
                throw new IllegalStateException(
                        "slot " + lane.ids()[i] + " has no descriptor in the store");
            }
            slots.add(
                    new SlotSummary(
                            lane.startMs()[i],
                            lane.endMs()[i],
                            lane.counts()[i],
                            lane.keyframeSeqs()[i],
                            descriptor));
        }
        return slots;
    }
}
