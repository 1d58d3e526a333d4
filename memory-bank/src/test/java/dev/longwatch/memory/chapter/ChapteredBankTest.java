package dev.longwatch.memory.chapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.InMemorySlotStore;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.SlotSummary;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class ChapteredBankTest {
    private static final int TOKENS = 2;
    private static final int DIM = 4;

    private final InMemorySlotStore tensors = new InMemorySlotStore();
    private final InMemorySlotStore descriptors = new InMemorySlotStore();
    private final BankStorage storage = new BankStorage(tensors, descriptors);
    private final Random random = new Random(3);

    private BankFrame frame(long seq, long ptsMs) {
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new BankFrame(seq, ptsMs, TOKENS, DIM, values, false);
    }

    @Test
    void shouldSealEachChapterWithItsFramesAndKeepOnlyOneBankInTheStores() {
        ChapteredBank bank =
                new ChapteredBank(
                        MemoryBank.create(BankConfig.frames(3)), new ChapterPolicy(1_000));
        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        List<SealedChapter> sealed = new ArrayList<>();
        // First frame at 300 ms, one frame every 200 ms: chapters start at 300, 1300, 2300, ...
        for (long seq = 0; seq < 23; seq++) {
            ChapteredBank.Step step =
                    bank.append(cursor, index, frame(seq, 300 + 200 * seq), storage);
            if (step.sealed() != null) {
                sealed.add(step.sealed());
            }
            index = step.outcome().index();
            cursor = step.cursor();
            assertThat(tensors.size()).isEqualTo(index.size()).isLessThanOrEqualTo(3);
            assertThat(descriptors.size()).isEqualTo(index.size());
        }
        assertThat(sealed).extracting(SealedChapter::index).containsExactly(0L, 1L, 2L, 3L);
        assertThat(sealed)
                .extracting(SealedChapter::startMs)
                .containsExactly(300L, 1300L, 2300L, 3300L);
        for (SealedChapter chapter : sealed) {
            assertThat(chapter.endMs()).isEqualTo(chapter.startMs() + 1_000);
            assertThat(chapter.slots()).hasSize(3);
            assertThat(chapter.slots().stream().mapToLong(SlotSummary::frameCount).sum())
                    .isEqualTo(5);
            assertThat(chapter.slots().get(0).startMs()).isEqualTo(chapter.startMs());
            assertThat(chapter.slots().get(2).endMs()).isLessThan(chapter.endMs());
        }
        assertThat(cursor.index()).isEqualTo(4);
        assertThat(ChapteredBank.framesSeen(cursor, index)).isEqualTo(23);
        assertThat(index.lastSeq()).isEqualTo(22);

        ChapteredBank.remove(index, storage);
        assertThat(tensors.size()).isZero();
        assertThat(descriptors.size()).isZero();
    }

    @Test
    void shouldSkipEmptyChaptersAndKeepTheShapeAfterSealing() {
        ChapteredBank bank =
                new ChapteredBank(
                        MemoryBank.create(BankConfig.frames(2)), new ChapterPolicy(1_000));
        ChapteredBank.Step first = bank.append(null, BankIndex.empty(), frame(0, 0), storage);
        ChapteredBank.Step afterGap =
                bank.append(first.cursor(), first.outcome().index(), frame(1, 3_500), storage);

        assertThat(afterGap.sealed().index()).isZero();
        assertThat(afterGap.cursor().index()).isEqualTo(3);
        assertThat(afterGap.outcome().index().accepts(TOKENS, DIM)).isTrue();
        assertThat(afterGap.outcome().index().accepts(TOKENS, DIM + 1)).isFalse();
    }

    @Test
    void shouldNeverSealWithoutAPolicyAndStartAMigratedBankAtItsFirstSlot() {
        ChapteredBank unsealed = new ChapteredBank(MemoryBank.create(BankConfig.frames(2)), null);
        ChapteredBank.Step step = unsealed.append(null, BankIndex.empty(), frame(0, 500), storage);
        for (long seq = 1; seq < 50; seq++) {
            step =
                    unsealed.append(
                            step.cursor(),
                            step.outcome().index(),
                            frame(seq, 500 + seq * 1_000),
                            storage);
            assertThat(step.sealed()).isNull();
        }
        // A bank kept before chapters existed (no cursor): its chapter 0 starts at its first slot.
        ChapteredBank chaptered =
                new ChapteredBank(
                        MemoryBank.create(BankConfig.frames(2)), new ChapterPolicy(100_000));
        ChapteredBank.Step migrated =
                chaptered.append(null, step.outcome().index(), frame(50, 100_600), storage);
        assertThat(migrated.sealed()).isNotNull();
        assertThat(migrated.sealed().startMs()).isEqualTo(500);
        assertThat(migrated.cursor().framesBefore()).isEqualTo(50);
    }
}
