package dev.longwatch.memory.bank;

/**
 * One step of memory bank compression on one lane: append a vector, and if the lane is over
 * capacity merge its most similar adjacent pair. Reads and writes at most the new entry, the merged
 * pair and its two neighbours in the store.
 */
final class LaneCompressor {
    /** How two stored vectors of this lane compare. */
    interface Similarity {
        double of(float[] a, float[] b);
    }

    private final int capacity;
    private final boolean allowAcrossGaps;
    private final Similarity similarity;

    LaneCompressor(int capacity, boolean allowAcrossGaps, Similarity similarity) {
        this.capacity = capacity;
        this.allowAcrossGaps = allowAcrossGaps;
        this.similarity = similarity;
    }

    Step append(LaneEditor lane, SlotStore store, long id, float[] vector, BankFrame frame) {
        double similarityToPrevious = Double.NaN;
        if (lane.size > 0) {
            similarityToPrevious = similarity.of(load(store, lane.lastId()), vector);
        }
        store.put(id, vector);
        lane.append(id, frame.seq(), frame.ptsMs(), frame.gapBefore(), similarityToPrevious);
        if (lane.size <= capacity) {
            return new Step(similarityToPrevious, null);
        }
        LaneEditor.PairChoice choice = lane.choosePair(allowAcrossGaps);
        int t = choice.index();
        long keptId = lane.ids[t];
        long removedId = lane.ids[t + 1];
        float[] merged =
                VectorMath.weightedMean(
                        fetch(store, keptId, id, vector),
                        lane.counts[t],
                        fetch(store, removedId, id, vector),
                        lane.counts[t + 1]);
        store.put(keptId, merged);
        store.remove(removedId);
        lane.merge(t);
        if (t > 0) {
            lane.similarities[t - 1] =
                    similarity.of(fetch(store, lane.ids[t - 1], id, vector), merged);
        }
        if (t + 1 < lane.size) {
            lane.similarities[t] = similarity.of(merged, fetch(store, lane.ids[t + 1], id, vector));
        }
        return new Step(
                similarityToPrevious, new Merge(keptId, removedId, merged, choice.acrossGap()));
    }

    /** The new vector is in hand; every other one comes from the store. */
    private static float[] fetch(SlotStore store, long wanted, long newId, float[] newVector) {
        return wanted == newId ? newVector : load(store, wanted);
    }

    private static float[] load(SlotStore store, long id) {
        float[] vector = store.get(id);
        if (vector == null) {
            // The index and the store are written together; a miss means they were split apart.
            throw new IllegalStateException(
                    "slot " + id + " is in the bank index but not in its store");
        }
        return vector;
    }

    /**
     * @param merge the merge done, or null when the lane was within capacity
     */
    record Step(double similarityToPrevious, Merge merge) {}

    /**
     * @param keptId the id now holding the merged vector
     * @param removedId the id that was removed from the store
     */
    record Merge(long keptId, long removedId, float[] vector, boolean acrossGap) {}
}
