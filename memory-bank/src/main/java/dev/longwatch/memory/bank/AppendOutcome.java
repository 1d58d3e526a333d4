package dev.longwatch.memory.bank;

/**
 * What one append did.
 *
 * @param index the bank's index after the append (the same object when nothing was applied)
 * @param applied false when the frame was a duplicate or came out of order ({@code seq <= lastSeq})
 *     and was ignored
 * @param similarityToPrevious similarity of the new frame to the entry that was last before it
 *     (mean over tokens of the per-token cosine); under {@link MergeRule#BOUNDARY} to the frame
 *     before it, the strength of the boundary it starts (also for the first frame of a chapter);
 *     NaN for a stream's first frame or when not applied
 * @param compressed the bank went over capacity and merged a pair (in token mode: in every lane)
 * @param mergedAcrossGap at least one merge had to join a pair straddling a gap marker, because
 *     every adjacent pair of that lane straddled one (or the config allows it)
 */
public record AppendOutcome(
        BankIndex index,
        boolean applied,
        double similarityToPrevious,
        boolean compressed,
        boolean mergedAcrossGap) {

    static AppendOutcome ignored(BankIndex index) {
        return new AppendOutcome(index, false, Double.NaN, false, false);
    }

    /** True for the first frame of a bank. */
    public boolean first() {
        return applied && index.framesSeen() == 1;
    }
}
