package dev.longwatch.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.testing.SyntheticFootage;
import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.chapter.ChapteredBank;
import dev.longwatch.memory.chapter.SealedChapter;
import dev.longwatch.memory.job.Snapshots;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory of hours of footage, made the real way from generated embeddings: frames at 1 fps
 * (scenes of a few seconds plus noise) go through the memory job's own {@link ChapteredBank}, and
 * the sealed chapters and the live bank become {@code lw.chapters} and {@code lw.memory} records
 * through the job's {@link Snapshots} mapping. Generating the embeddings instead of decoding and
 * encoding 10 h of video keeps the benchmark to seconds; everything after the encoder is real.
 *
 * @param chapters the sealed chapters, oldest first
 * @param snapshot the live bank after the last frame
 * @param keyframeSeqs every frame a slot of {@code chapters} or {@code snapshot} points to
 */
record SyntheticMemory(List<Chapter> chapters, MemorySnapshot snapshot, List<Long> keyframeSeqs) {
    static final int SLOTS = 20;
    static final int TOKENS = 16;
    static final int DIM = 512;
    private static final int SCENE_FRAMES = 7;

    /** {@code hours} of footage at 1 fps for {@code streamId}, 600 s chapters, M = {@value #SLOTS}. */
    static SyntheticMemory generate(String streamId, double hours) {
        ChapteredBank bank = new ChapteredBank(MemoryBank.create(BankConfig.frames(SLOTS)), new ChapterPolicy(ChapterPolicy.DEFAULT_CHAPTER_MS));
        BankStorage storage = BankStorage.inMemory();
        SyntheticFootage footage = new SyntheticFootage(TOKENS * DIM, SCENE_FRAMES);
        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        List<Chapter> chapters = new ArrayList<>();
        long frames = Math.round(hours * 3600);
        for (long seq = 0; seq < frames; seq++) {
            ChapteredBank.Step step =
                    bank.append(cursor, index, new BankFrame(seq, seq * 1000, TOKENS, DIM, footage.frame(seq), false), storage);
            if (step.sealed() != null) {
                chapters.add(Snapshots.chapter(streamId, step.sealed()));
            }
            index = step.outcome().index();
            cursor = step.cursor();
        }
        // The live bank as lw.memory carries it: the slot mapping is the job's (via a chapter of
        // the live slots); the snapshot's own fields as the job fills them.
        Chapter live = Snapshots.chapter(streamId, new SealedChapter(0, 0, 0, bank.bank().slots(index, storage)));
        MemorySnapshot snapshot =
                MemorySnapshot.newBuilder()
                        .setStreamId(streamId)
                        .setVersion(frames)
                        .setFramesSeen(ChapteredBank.framesSeen(cursor, index))
                        .setEncoderId("synthetic")
                        .setCapacity(SLOTS)
                        .setLastSeq(index.lastSeq())
                        .setUpdatedMs(System.currentTimeMillis())
                        .addAllSlots(live.getSlotsList())
                        .build();
        List<Long> keyframes = new ArrayList<>();
        chapters.forEach(c -> c.getSlotsList().forEach(s -> keyframes.add(s.getKeyframeSeq())));
        snapshot.getSlotsList().forEach(s -> keyframes.add(s.getKeyframeSeq()));
        return new SyntheticMemory(chapters, snapshot, keyframes.stream().distinct().sorted().toList());
    }
}
