package dev.longwatch.memory.bank;

import java.util.List;

/**
 * A bounded memory of one stream: MA-LMM's memory bank compression, made incremental, at
 * either {@link Granularity}: TOKEN is MA-LMM's {@code memory_bank_compress} exactly, FRAME (the
 * default) is this product's rule, the same merge applied to whole frames. Stateless
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

    static MemoryBank create(BankConfig config) {
        return switch (config.granularity()) {
            case FRAME -> config.rule() == MergeRule.BOUNDARY
                    ? new BoundaryFrameBank(config)
                    : new FrameMemoryBank(config);
            case TOKEN -> new TokenMemoryBank(config);
        };
    }
}
