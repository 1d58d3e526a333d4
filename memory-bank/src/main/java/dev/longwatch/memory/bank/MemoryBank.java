package dev.longwatch.memory.bank;

import java.util.List;

/**
 * A bounded memory of one stream: MA-LMM's memory bank compression, made incremental. Stateless
 * itself: the bank's state is a {@link BankIndex} (small, rewritten per frame) plus the vectors in
 * a {@link BankStorage} (touched only where a frame changes them), both owned by the caller.
 *
 * <p>An append adds the frame as a new entry with count 1; when the bank then holds more than
 * {@code capacity} entries, the most similar adjacent pair (lowest index on ties, like {@code
 * torch.max}) is replaced by the count-weighted mean of the two. Only the similarities of the pairs
 * touching the new or merged entry are recomputed, so an append costs O(tokens × dim).
 */
public interface MemoryBank {

    BankConfig config();

    /**
     * Appends {@code frame}. A frame whose seq is not above the index's last seq is ignored (the
     * producer is at-least-once), which makes replays idempotent.
     *
     * @throws IllegalArgumentException when the frame's shape differs from the bank's
     */
    AppendOutcome append(BankIndex index, BankFrame frame, BankStorage storage);

    /** The slots, oldest first. Token mode summarises each slot position over its tokens. */
    List<SlotSummary> slots(BankIndex index, BankStorage storage);

    /**
     * Brings a bank kept with a larger capacity down to this one: the most similar allowed pair is
     * merged, by the same rule and arithmetic as an append, until the bank holds {@code capacity}
     * entries (in token mode, in every lane). A bank kept with a smaller capacity needs nothing: it
     * grows into this one as frames arrive.
     *
     * @return the index after the merges; {@code index} itself when it is within capacity
     */
    BankIndex fit(BankIndex index, BankStorage storage);

    /**
     * Moves a bank whose tensors were kept in another store (an older state layout, for example
     * F32 before the Flink job kept F16) into {@code storage}: every slot is written in the
     * storage's form (rounded once when it is narrower), its norms and, in frame mode, its
     * descriptor are derived from what is stored, and the cached similarities are recomputed from
     * the stored slots, so the bank goes on exactly as if it had always been kept there. Removes
     * nothing from {@code kept}.
     *
     * @return the index with the recomputed similarities
     * @throws IllegalStateException when {@code kept} lacks a slot of the index or holds one of
     *     another length
     */
    BankIndex adopt(BankIndex index, TensorStore kept, BankStorage storage);

    static MemoryBank create(BankConfig config) {
        return switch (config.granularity()) {
            case FRAME -> new FrameMemoryBank(config);
            case TOKEN -> new TokenMemoryBank(config);
        };
    }
}
