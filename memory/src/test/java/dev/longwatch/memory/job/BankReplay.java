package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.chapter.ChapteredBank;
import dev.longwatch.memory.chapter.SealedChapter;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.Slot;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the job's banks should be after a restore under other terms than they were kept with,
 * worked out by the bank library alone from the frames {@link SyntheticEmbeddingSource} sends:
 * each stream's frames before the pause go into a bank kept as the old state kept it (F32, or
 * binary16 with another capacity), then the bank is adopted into binary16 and fitted to the new
 * capacity, as {@code MemoryBankFunction} does at the stream's first frame after the restore, and
 * the rest of the frames follow.
 *
 * @param slots each stream's final slots, as the job publishes them
 * @param chaptersAfterPause the chapters sealed from the pause on, by {@code stream/index}
 */
record BankReplay(Map<String, List<Slot>> slots, Map<String, Chapter> chaptersAfterPause) {

    /**
     * @param kept how the old state kept the slot tensors
     * @param before the bank's terms until the pause
     * @param after the bank's terms from the pause on
     * @param chapterMs chapter length, 0 for none
     */
    static BankReplay of(
            List<SyntheticEmbeddingSource.StreamSplit> streams,
            long pauseAt,
            StorageDtype kept,
            BankConfig before,
            BankConfig after,
            long chapterMs) {
        ChapterPolicy policy = chapterMs == 0 ? null : new ChapterPolicy(chapterMs);
        ChapteredBank oldBank = new ChapteredBank(MemoryBank.create(before), policy);
        ChapteredBank newBank = new ChapteredBank(MemoryBank.create(after), policy);
        Map<String, List<Slot>> slots = new TreeMap<>();
        Map<String, Chapter> chapters = new TreeMap<>();
        for (SyntheticEmbeddingSource.StreamSplit stream : streams) {
            String id = stream.streamId();
            BankStorage oldStorage = BankStorage.inMemory(kept);
            BankStorage storage = oldStorage;
            ChapteredBank bank = oldBank;
            BankIndex index = BankIndex.empty();
            ChapterCursor cursor = null;
            for (long seq = 0; seq < stream.endSeq(); seq++) {
                if (seq == pauseAt) {
                    bank = newBank;
                    if (kept != StorageDtype.F16) {
                        storage = BankStorage.inMemory(StorageDtype.F16);
                        index = bank.bank().adopt(index, oldStorage.tensors(), storage);
                    }
                    index = bank.bank().fit(index, storage);
                }
                if (seq == stream.poisonSeq()) {
                    continue; // dead-lettered before the bank
                }
                EmbeddingEvent frame =
                        TestFrames.frame(
                                id, seq, TestFrames.sceneValues(id, seq), seq == stream.gapSeq());
                ChapteredBank.Step step = bank.append(cursor, index, frame.toBankFrame(), storage);
                if (step.sealed() != null && seq >= pauseAt) {
                    chapters.put(
                            id + "/" + step.sealed().index(), Snapshots.chapter(id, step.sealed(), SyntheticEmbeddingSource.INCARNATION));
                }
                index = step.outcome().index();
                cursor = step.cursor();
            }
            // The live bank as a chapter message: its slots are what a snapshot carries.
            SealedChapter live = new SealedChapter(0, 0, 0, bank.bank().slots(index, storage));
            slots.put(id, Snapshots.chapter(id, live).getSlotsList());
        }
        return new BankReplay(slots, chapters);
    }
}
