package dev.longwatch.memory.bank;

import java.util.List;

/**
 * Frame granularity under {@link MergeRule#BOUNDARY}: when full, merge the pair whose boundary is
 * weakest. The lane's cached similarity of pair (i, i + 1) is the strength of the boundary between
 * them, the similarity of entry i's last frame and entry i + 1's first frame (mean over tokens of
 * the per-token cosine, as the other rule compares slots), set when entry i + 1 arrives and never
 * recomputed: a merge removes one boundary and leaves the others where they were. So each append
 * compares one pair (the previous frame and the new one) and merges one, with no similarity to
 * recompute around the merge.
 *
 * <p>State beyond the other rule's: the previous frame's tensor, kept in the tensor store under
 * {@link #PREVIOUS_FRAME} (one slot more per stream). It outlives a chapter's seal ({@code
 * ChapteredBank} removes the lane's ids only), so the first frame of a chapter is compared with the
 * last of the one before, and it goes with the rest of the stream's state. A bank without it (state
 * kept under the other rule, or adopted from a store without it) compares its next frame with its last
 * entry instead, once.
 */
final class BoundaryFrameBank extends AbstractMemoryBank {
    /** The store id of the previous frame: slot ids count up from 0, so it is never a slot's. */
    static final long PREVIOUS_FRAME = -1;

    BoundaryFrameBank(BankConfig config) {
        super(config);
    }

    @Override
    AppendOutcome appendNew(BankIndex index, BankFrame frame, BankStorage storage) {
        int tokens = frame.tokens();
        int dim = frame.dim();
        Lane lane = index.isEmpty() ? Lane.empty() : index.lanes()[0];
        LaneEditor editor = new LaneEditor(lane, config.capacity() + 1);
        SlotTensors slots = new SlotTensors(storage, tokens, dim, true);
        SlotTensor arriving = slots.arriving(frame.values(), 0);

        SlotTensor previous = slots.readIfPresent(PREVIOUS_FRAME);
        if (previous == null && editor.size > 0) {
            previous = slots.read(editor.lastId());
        }
        double boundary = previous == null ? Double.NaN : slots.similarity(previous, arriving);
        long id = index.nextId();
        editor.append(id, frame.seq(), frame.ptsMs(), frame.gapBefore(), boundary);

        SlotTensor stored = null;
        boolean merged = false;
        boolean acrossGap = false;
        if (editor.size > config.capacity()) {
            LaneEditor.PairChoice choice = editor.choosePair(config.allowMergeAcrossGaps());
            int t = choice.index();
            long keptId = editor.ids[t];
            long removedId = editor.ids[t + 1];
            SlotTensor right;
            if (removedId == id) {
                right = arriving; // merged away in the step it arrives: never written as a slot
            } else {
                stored = store(slots, storage, id, arriving);
                right = slots.read(removedId);
            }
            SlotTensor mean = slots.merge(slots.read(keptId), editor.counts[t], right, editor.counts[t + 1]);
            slots.write(keptId, mean);
            storage.descriptors().put(keptId, SlotMath.tokenMean(mean, tokens, dim));
            if (removedId != id) {
                storage.remove(removedId);
            }
            // The boundaries either side of the merged pair stay what they were.
            editor.merge(t);
            merged = true;
            acrossGap = choice.acrossGap();
        } else {
            stored = store(slots, storage, id, arriving);
        }
        // The next frame's boundary is with this one, as it arrived (rounded when stored in F16).
        if (stored != null) {
            slots.write(PREVIOUS_FRAME, stored);
        } else {
            slots.store(PREVIOUS_FRAME, arriving);
        }

        BankIndex next =
                new BankIndex(
                        tokens,
                        dim,
                        id + 1,
                        index.framesSeen() + 1,
                        frame.seq(),
                        new Lane[] {editor.toLane()});
        return new AppendOutcome(next, true, boundary, merged, acrossGap);
    }

    private static SlotTensor store(
            SlotTensors slots, BankStorage storage, long id, SlotTensor arriving) {
        SlotTensor stored = slots.store(id, arriving);
        storage.descriptors().put(id, SlotMath.tokenMean(stored, slots.tokens(), slots.dim()));
        return stored;
    }

    /**
     * A bank kept with more slots loses its weakest boundaries, as an append would merge them: the
     * boundaries either side of each merged pair stay what they were.
     */
    @Override
    LaneCompressor.Merge shrink(LaneEditor lane, SlotTensors slots) {
        LaneEditor.PairChoice choice = lane.choosePair(config.allowMergeAcrossGaps());
        int t = choice.index();
        long keptId = lane.ids[t];
        long removedId = lane.ids[t + 1];
        SlotTensor merged =
                slots.merge(slots.read(keptId), lane.counts[t], slots.read(removedId), lane.counts[t + 1]);
        slots.write(keptId, merged);
        slots.remove(removedId);
        lane.merge(t);
        return new LaneCompressor.Merge(keptId, removedId, merged, choice.acrossGap());
    }

    /** Boundaries are between frames the slots no longer hold: rounding the slots leaves them. */
    @Override
    boolean similaritiesCompareSlots() {
        return false;
    }

    /** The previous frame moves with the slots, so the next boundary is measured as before. */
    @Override
    void adoptBeside(TensorStore kept, SlotTensors slots) {
        float[] previous = kept.get(PREVIOUS_FRAME);
        if (previous != null && previous.length == slots.tokens() * slots.dim()) {
            slots.store(PREVIOUS_FRAME, slots.arriving(previous, 0));
        }
    }

    /** The slots, each with the strength of the boundary after it (NaN for the newest). */
    @Override
    public List<SlotSummary> slots(BankIndex index, BankStorage storage) {
        List<SlotSummary> slots = FrameMemoryBank.wholeFrameSlots(index, storage);
        if (!slots.isEmpty()) {
            double[] similarities = index.lanes()[0].similarities();
            for (int i = 0; i + 1 < slots.size(); i++) {
                slots.set(i, slots.get(i).withEndSimilarity(similarities[i]));
            }
        }
        return slots;
    }
}
