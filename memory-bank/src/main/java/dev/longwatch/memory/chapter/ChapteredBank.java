package dev.longwatch.memory.chapter;

import dev.longwatch.memory.bank.AppendOutcome;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.MergeRule;

import java.util.Objects;

/**
 * A {@link MemoryBank} cut into chapters of media time: when a frame belongs to a later chapter
 * than the live bank, the live bank is sealed (its slots returned), its vectors removed from the
 * stores, and the frame starts a fresh bank. State per stream stays at one bank of M slots plus a
 * {@link ChapterCursor}, however long the footage; the sealed chapters are the caller's to publish.
 */
public final class ChapteredBank {
    private final MemoryBank bank;
    private final ChapterPolicy policy;

    /**
     * @param policy the chapter length; null never seals (one bank for the whole stream)
     */
    public ChapteredBank(MemoryBank bank, ChapterPolicy policy) {
        this.bank = Objects.requireNonNull(bank, "bank");
        this.policy = policy;
    }

    /**
     * What one append did.
     *
     * @param cursor the stream's chapter position after the frame
     * @param outcome the append into the live bank (after sealing, when the frame sealed one)
     * @param sealed the chapter this frame closed, or null
     */
    public record Step(ChapterCursor cursor, AppendOutcome outcome, SealedChapter sealed) {}

    public MemoryBank bank() {
        return bank;
    }

    /**
     * Appends {@code frame}, first sealing the live bank when the frame starts a later chapter.
     *
     * @param cursor the stream's cursor, or null for a new stream (or a bank kept before chapters
     *     existed: its chapter 0 then starts at its first slot)
     */
    public Step append(
            ChapterCursor cursor, BankIndex index, BankFrame frame, BankStorage storage) {
        if (cursor == null) {
            cursor =
                    ChapterCursor.startingAt(
                            index.isEmpty() ? frame.ptsMs() : index.lanes()[0].startMs()[0]);
        }
        SealedChapter sealed = null;
        boolean fresh = index.isEmpty() || frame.seq() > index.lastSeq();
        if (policy != null
                && fresh
                && !index.isEmpty()
                && policy.seals(cursor.firstPtsMs(), cursor.index(), frame.ptsMs())) {
            long number = cursor.index();
            long start = cursor.firstPtsMs() + number * policy.chapterMs();
            sealed =
                    new SealedChapter(
                            number, start, start + policy.chapterMs(), bank.slots(index, storage));
            remove(index, storage);
            cursor =
                    cursor.sealed(
                            policy.index(cursor.firstPtsMs(), frame.ptsMs()), index.framesSeen());
            index = index.restarted();
        }
        AppendOutcome outcome = bank.append(index, frame, storage);
        if (sealed != null
                && bank.config().rule() == MergeRule.BOUNDARY
                && !Double.isNaN(outcome.similarityToPrevious())) {
            // The boundary between the chapters is the sealing frame's with the frame before it:
            // the sealed bank's last slot keeps it, so a window across chapters can weigh it.
            sealed = sealed.withLastEndSimilarity(outcome.similarityToPrevious());
        }
        return new Step(cursor, outcome, sealed);
    }

    /** Frames the stream has appended, over every chapter. */
    public static long framesSeen(ChapterCursor cursor, BankIndex index) {
        return (cursor == null ? 0 : cursor.framesBefore()) + index.framesSeen();
    }

    /** Removes every vector of the bank: after this the stores hold nothing of the stream. */
    public static void remove(BankIndex index, BankStorage storage) {
        for (Lane lane : index.lanes()) {
            for (long id : lane.ids()) {
                storage.remove(id);
            }
        }
    }
}
