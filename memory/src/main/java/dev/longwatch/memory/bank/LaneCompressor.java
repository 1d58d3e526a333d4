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

    /**
     * @param vector the new entry's values; the caller must not keep or mutate it
     */
    Step append(LaneEditor lane, TensorStore store, long id, float[] vector, BankFrame frame) {
        // Compare what is stored, so a narrow store's rounding never splits cache from store.
        vector = store.put(id, vector);
        // Vectors read during this append, so a narrow store widens each at most once.
        Loaded loaded = new Loaded(store, id, vector);
        double similarityToPrevious = Double.NaN;
        if (lane.size > 0) {
            similarityToPrevious = similarity.of(loaded.get(lane.lastId()), vector);
        }
        lane.append(id, frame.seq(), frame.ptsMs(), frame.gapBefore(), similarityToPrevious);
        if (lane.size <= capacity) {
            return new Step(similarityToPrevious, vector, null);
        }
        LaneEditor.PairChoice choice = lane.choosePair(allowAcrossGaps);
        int t = choice.index();
        long keptId = lane.ids[t];
        long removedId = lane.ids[t + 1];
        float[] merged =
                VectorMath.weightedMean(
                        loaded.get(keptId),
                        lane.counts[t],
                        loaded.get(removedId),
                        lane.counts[t + 1]);
        merged = store.put(keptId, merged);
        store.remove(removedId);
        lane.merge(t);
        if (t > 0) {
            lane.similarities[t - 1] =
                    similarity.of(loaded.get(lane.ids[t - 1]), merged);
        }
        if (t + 1 < lane.size) {
            lane.similarities[t] = similarity.of(merged, loaded.get(lane.ids[t + 1]));
        }
        return new Step(
                similarityToPrevious,
                vector,
                new Merge(keptId, removedId, merged, choice.acrossGap()));
    }

    /** The new vector is in hand; the others come from the store, each read once per append. */
    private static final class Loaded {
        private final TensorStore store;
        private final long[] ids = new long[4];
        private final float[][] vectors = new float[4][];
        private int size;

        Loaded(TensorStore store, long newId, float[] newVector) {
            this.store = store;
            ids[0] = newId;
            vectors[0] = newVector;
            size = 1;
        }

        float[] get(long id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    return vectors[i];
                }
            }
            float[] vector = store.get(id);
            if (vector == null) {
                // The index and the store are written together; a miss means they were split.
                throw new IllegalStateException(
                        "slot " + id + " is in the bank index but not in its store");
            }
            if (size < ids.length) {
                ids[size] = id;
                vectors[size++] = vector;
            }
            return vector;
        }
    }

    /**
     * @param stored the new entry as stored
     * @param merge the merge done, or null when the lane was within capacity
     */
    record Step(double similarityToPrevious, float[] stored, Merge merge) {}

    /**
     * @param keptId the id now holding the merged vector
     * @param removedId the id that was removed from the store
     * @param vector the merged vector as stored
     */
    record Merge(long keptId, long removedId, float[] vector, boolean acrossGap) {}
}
