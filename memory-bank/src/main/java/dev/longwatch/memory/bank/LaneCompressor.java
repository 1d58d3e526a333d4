package dev.longwatch.memory.bank;

/**
 * One step of memory bank compression on one lane: append an entry, and if the lane is over
 * capacity merge its most similar adjacent pair. Reads at most the last entry, the merged pair and
 * its two neighbours from the store, and writes at most the new entry and the merged one.
 *
 * <p>The new entry arrives in float. When it is merged into the last entry in the same step (the
 * usual case on video, where consecutive frames are alike) it is never written: the merge starts
 * from its exact values and only the result is rounded into the store. When it stays, it is stored
 * and the similarity to its predecessor is recomputed from what was stored, so cached similarities
 * always describe the store. The pair is chosen with the similarity of the frame as it arrived.
 */
final class LaneCompressor {
    private final int capacity;
    private final boolean allowAcrossGaps;

    LaneCompressor(int capacity, boolean allowAcrossGaps) {
        this.capacity = capacity;
        this.allowAcrossGaps = allowAcrossGaps;
    }

    /**
     * @param arriving the new entry from {@link SlotTensors#arriving}
     */
    Step append(
            LaneEditor lane, SlotTensors slots, long id, SlotTensor arriving, BankFrame frame) {
        Loaded loaded = new Loaded(slots);
        double similarityToPrevious = Double.NaN;
        if (lane.size > 0) {
            similarityToPrevious = slots.similarity(loaded.get(lane.lastId()), arriving);
        }
        lane.append(id, frame.seq(), frame.ptsMs(), frame.gapBefore(), similarityToPrevious);
        if (lane.size <= capacity) {
            SlotTensor stored = store(lane, slots, loaded, id, arriving, true);
            return new Step(similarityToPrevious, stored, null);
        }
        LaneEditor.PairChoice choice = lane.choosePair(allowAcrossGaps);
        int t = choice.index();
        long removedId = lane.ids[t + 1];
        SlotTensor stored = null;
        SlotTensor right;
        if (removedId == id) {
            right = arriving;
        } else {
            // Pair (last, new) is recomputed below anyway when the merge is right next to it.
            boolean pairSurvives = t + 2 < lane.size - 1;
            stored = store(lane, slots, loaded, id, arriving, pairSurvives);
            right = loaded.get(removedId);
            slots.remove(removedId);
        }
        return new Step(similarityToPrevious, stored, merge(lane, slots, loaded, choice, right));
    }

    /**
     * One merge without a new entry, for a lane kept with more entries than this capacity (a bank
     * restored after the capacity was lowered): the lane's chosen pair, by the same rule as {@link
     * #append}.
     */
    Merge shrink(LaneEditor lane, SlotTensors slots) {
        Loaded loaded = new Loaded(slots);
        LaneEditor.PairChoice choice = lane.choosePair(allowAcrossGaps);
        long removedId = lane.ids[choice.index() + 1];
        SlotTensor right = loaded.get(removedId);
        slots.remove(removedId);
        return merge(lane, slots, loaded, choice, right);
    }

    /**
     * Merges the chosen pair (its right entry already in hand and gone from the store) into its
     * left entry's id, and sets the similarities of the merged entry to its neighbours.
     */
    private static Merge merge(
            LaneEditor lane,
            SlotTensors slots,
            Loaded loaded,
            LaneEditor.PairChoice choice,
            SlotTensor right) {
        int t = choice.index();
        long keptId = lane.ids[t];
        long removedId = lane.ids[t + 1];
        // The neighbours the merged entry will have: their similarities to it are summed while
        // it is made (read before lane.merge shifts the ids).
        SlotTensor leftNeighbour = t > 0 ? loaded.get(lane.ids[t - 1]) : null;
        SlotTensor rightNeighbour = t + 2 < lane.size ? loaded.get(lane.ids[t + 2]) : null;
        NeighbourMerge.Result result =
                slots.mergeBeside(
                        leftNeighbour,
                        loaded.get(keptId),
                        lane.counts[t],
                        right,
                        lane.counts[t + 1],
                        rightNeighbour);
        SlotTensor merged = result.merged();
        slots.write(keptId, merged);
        lane.merge(t);
        if (t > 0) {
            lane.similarities[t - 1] = result.left();
        }
        if (t + 1 < lane.size) {
            lane.similarities[t] = result.right();
        }
        return new Merge(keptId, removedId, merged, choice.acrossGap());
    }

    /**
     * Stores the new entry (the last of the lane) and, when storing rounded it and its pair with
     * the previous entry stays, recomputes that pair's similarity from the stored values.
     */
    private static SlotTensor store(
            LaneEditor lane,
            SlotTensors slots,
            Loaded loaded,
            long id,
            SlotTensor arriving,
            boolean pairSurvives) {
        int last = lane.size - 1;
        if (slots.rounds() && last > 0 && pairSurvives) {
            StoreAfter.Result result = slots.storeAfter(id, arriving, loaded.get(lane.ids[last - 1]));
            loaded.put(id, result.stored());
            lane.similarities[last - 1] = result.similarity();
            return result.stored();
        }
        SlotTensor stored = slots.store(id, arriving);
        loaded.put(id, stored);
        return stored;
    }

    /** Entries read during one append, each read from the store at most once. */
    private static final class Loaded {
        private final SlotTensors slots;
        private final long[] ids = new long[6];
        private final SlotTensor[] tensors = new SlotTensor[6];
        private int size;

        Loaded(SlotTensors slots) {
            this.slots = slots;
        }

        SlotTensor get(long id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    return tensors[i];
                }
            }
            SlotTensor tensor = slots.read(id);
            put(id, tensor);
            return tensor;
        }

        /** Remembers an entry in hand (read, or just written). */
        void put(long id, SlotTensor tensor) {
            if (size < ids.length) {
                ids[size] = id;
                tensors[size++] = tensor;
            }
        }
    }

    /**
     * @param stored the new entry as stored, or null when it was merged away in this step (and so
     *     never written)
     * @param merge the merge done, or null when the lane was within capacity
     */
    record Step(double similarityToPrevious, SlotTensor stored, Merge merge) {}

    /**
     * @param keptId the id now holding the merged entry
     * @param removedId the id merged into it: removed from the store, or never written when it
     *     was the new entry's
     * @param merged the merged entry as stored
     */
    record Merge(long keptId, long removedId, SlotTensor merged, boolean acrossGap) {}
}
