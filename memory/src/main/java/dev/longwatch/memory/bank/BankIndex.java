package dev.longwatch.memory.bank;

/**
 * Everything about a bank except its vectors: small enough to live in one Flink {@code ValueState}
 * and be rewritten on every frame, while the vectors stay in a {@link SlotStore}. Immutable by
 * convention: an append returns a new index and leaves the old one untouched.
 *
 * @param tokens token positions per frame; 0 until the first frame
 * @param dim values per token; 0 until the first frame
 * @param nextId the next unused slot id
 * @param framesSeen frames appended so far (duplicates excluded); equals the sum of any lane's
 *     counts
 * @param lastSeq the seq of the last appended frame, -1 before the first
 * @param lanes one lane in frame mode, {@code tokens} lanes in token mode, none before the first
 *     frame
 */
public record BankIndex(
        int tokens, int dim, long nextId, long framesSeen, long lastSeq, Lane[] lanes) {

    public static BankIndex empty() {
        return new BankIndex(0, 0, 0, 0, -1, new Lane[0]);
    }

    public boolean isEmpty() {
        return framesSeen == 0;
    }

    /** Whether a frame of this shape fits: any shape before the first frame, then only that one. */
    public boolean accepts(int frameTokens, int frameDim) {
        return isEmpty() || (frameTokens == tokens && frameDim == dim);
    }

    /** The number of entries (slot positions) the bank holds now. */
    public int size() {
        return lanes.length == 0 ? 0 : lanes[0].size();
    }
}
