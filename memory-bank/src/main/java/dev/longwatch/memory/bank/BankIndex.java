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

    /**
     * Whether a frame of this shape fits: any shape before the stream's first frame, then only that
     * one (also after {@link #restarted()}).
     */
    public boolean accepts(int frameTokens, int frameDim) {
        return tokens == 0 || (frameTokens == tokens && frameDim == dim);
    }

    /**
     * An empty bank for the same stream, as after a chapter is sealed: no entries, but the shape,
     * the next slot id and the last seq stay, so later frames must keep the shape and a replay of
     * an older frame is still recognised by the caller.
     */
    public BankIndex restarted() {
        return new BankIndex(tokens, dim, nextId, 0, lastSeq, new Lane[0]);
    }

    /** The number of entries (slot positions) the bank holds now. */
    public int size() {
        return lanes.length == 0 ? 0 : lanes[0].size();
    }
}
