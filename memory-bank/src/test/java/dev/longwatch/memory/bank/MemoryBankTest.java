package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Single behaviours of the bank, on hand-made frames. */
class MemoryBankTest {

    private static BankFrame frame(long seq, float... values) {
        return new BankFrame(seq, seq * 100, 1, values.length, values, false);
    }

    private static BankFrame gapFrame(long seq, float... values) {
        return new BankFrame(seq, seq * 100, 1, values.length, values, true);
    }

    @Test
    void shouldMergeMostSimilarAdjacentPairWithCountWeightedMean() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        index = bank.append(index, frame(0, 1, 0), storage).index();
        index = bank.append(index, frame(1, 0, 1), storage).index();
        AppendOutcome outcome = bank.append(index, frame(2, 0, 3), storage);
        index = outcome.index();

        assertThat(outcome.compressed()).isTrue();
        assertThat(outcome.similarityToPrevious()).isCloseTo(1.0, within(1e-12));
        List<SlotSummary> slots = bank.slots(index, storage);
        assertThat(slots).hasSize(2);
        assertThat(slots.get(0).frameCount()).isEqualTo(1);
        assertThat(slots.get(1).frameCount()).isEqualTo(2);
        assertThat(slots.get(1).startMs()).isEqualTo(100);
        assertThat(slots.get(1).endMs()).isEqualTo(200);
        assertThat(slots.get(1).descriptor()).containsExactly(0f, 2f);

        // A third frame like the merged pair: weights 2 and 1.
        index = bank.append(index, frame(3, 0, 6), storage).index();
        slots = bank.slots(index, storage);
        assertThat(slots.get(1).frameCount()).isEqualTo(3);
        assertThat(slots.get(1).descriptor()).containsExactly(0f, (2f * 2 + 6f) / 3);
    }

    @Test
    void shouldBreakTiesTowardTheOldestPairAndKeepTheBiggerSidesKeyframe() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(3));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        for (long seq = 0; seq < 10; seq++) {
            index = bank.append(index, frame(seq, 1, 1, 1), storage).index();
        }
        Lane lane = index.lanes()[0];
        assertThat(lane.counts()).containsExactly(8, 1, 1);
        assertThat(lane.keyframeSeqs()).containsExactly(0, 8, 9);
    }

    @Test
    void shouldKeepTheEarlierKeyframeOnEqualCounts() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(1));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = bank.append(BankIndex.empty(), frame(4, 1, 0), storage).index();
        index = bank.append(index, frame(5, 1, 0), storage).index();
        assertThat(index.lanes()[0].keyframeSeqs()).containsExactly(4);
        index = bank.append(index, frame(6, 1, 0), storage).index();
        index = bank.append(index, frame(7, 1, 0), storage).index();
        assertThat(index.lanes()[0].counts()).containsExactly(4);
        assertThat(index.lanes()[0].keyframeSeqs()).containsExactly(4);
    }

    @Test
    void shouldNotMergeAcrossAGapWhileAnotherPairIsAllowed() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = bank.append(BankIndex.empty(), frame(0, 1, 0), storage).index();
        index = bank.append(index, frame(1, 0, 1), storage).index();
        // Identical to its predecessor, but after a gap: the dissimilar pair merges instead.
        AppendOutcome outcome = bank.append(index, gapFrame(9, 0, 1), storage);
        assertThat(outcome.mergedAcrossGap()).isFalse();
        Lane lane = outcome.index().lanes()[0];
        assertThat(lane.counts()).containsExactly(2, 1);
        assertThat(lane.gapBefore()).containsExactly(false, true);
    }

    @Test
    void shouldMergeAcrossAGapWhenEveryPairCrossesOne() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = bank.append(BankIndex.empty(), frame(0, 1, 0), storage).index();
        index = bank.append(index, gapFrame(5, 0, 1), storage).index();
        AppendOutcome outcome = bank.append(index, gapFrame(9, 0, 1), storage);
        assertThat(outcome.mergedAcrossGap()).isTrue();
        assertThat(outcome.index().lanes()[0].counts()).containsExactly(1, 2);
        assertThat(outcome.index().size()).isEqualTo(2);
    }

    @Test
    void shouldMergeAcrossGapsWhenConfiguredTo() {
        MemoryBank bank = MemoryBank.create(new BankConfig(2, Granularity.FRAME, true));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = bank.append(BankIndex.empty(), frame(0, 1, 0), storage).index();
        index = bank.append(index, frame(1, 0, 1), storage).index();
        AppendOutcome outcome = bank.append(index, gapFrame(9, 0, 1), storage);
        assertThat(outcome.mergedAcrossGap()).isTrue();
        assertThat(outcome.index().lanes()[0].counts()).containsExactly(1, 2);
    }

    @Test
    void shouldIgnoreDuplicateAndOlderFrames() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2));
        InMemorySlotStore tensors = new InMemorySlotStore();
        BankStorage storage = new BankStorage(tensors, new InMemorySlotStore());
        BankIndex index = bank.append(BankIndex.empty(), frame(3, 1, 0), storage).index();
        AppendOutcome duplicate = bank.append(index, frame(3, 0, 1), storage);
        AppendOutcome older = bank.append(index, frame(2, 0, 1), storage);
        assertThat(duplicate.applied()).isFalse();
        assertThat(duplicate.index()).isSameAs(index);
        assertThat(older.applied()).isFalse();
        assertThat(tensors.size()).isEqualTo(1);
        assertThat(index.framesSeen()).isEqualTo(1);
    }

    @Test
    void shouldRejectAFrameOfAnotherShape() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = bank.append(BankIndex.empty(), frame(0, 1, 0), storage).index();
        assertThatThrownBy(() -> bank.append(index, frame(1, 1, 0, 0), storage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1x3")
                .hasMessageContaining("1x2");
    }

    @Test
    void shouldLetEachTokenPickItsOwnPairAtTokenGranularity() {
        MemoryBank bank = MemoryBank.create(BankConfig.tokens(2));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        // Token 0 changes between frames 0 and 1, token 1 between frames 1 and 2.
        float[][] frames = {{1, 0, 1, 0}, {0, 1, 1, 0}, {0, 1, 0, 1}};
        for (int seq = 0; seq < frames.length; seq++) {
            index =
                    bank.append(
                                    index,
                                    new BankFrame(seq, seq * 10L, 2, 2, frames[seq], false),
                                    storage)
                            .index();
        }
        assertThat(index.lanes()[0].counts()).containsExactly(1, 2);
        assertThat(index.lanes()[1].counts()).containsExactly(2, 1);
        List<SlotSummary> slots = bank.slots(index, storage);
        assertThat(slots.get(0).startMs()).isZero();
        assertThat(slots.get(0).endMs()).isEqualTo(10);
        assertThat(slots.get(1).startMs()).isEqualTo(10);
        assertThat(slots.get(1).endMs()).isEqualTo(20);
        // Slot 0: token 0 = frame 0's (1,0), token 1 = mean of frames 0,1 (1,0): mean (1,0).
        assertThat(slots.get(0).descriptor()).containsExactly(1f, 0f);
    }

    @Test
    void shouldTreatZeroVectorsLikeTorchWithZeroSimilarity() {
        assertThat(VectorMath.cosine(new float[] {0, 0}, 0, new float[] {1, 0}, 0, 2)).isZero();
    }
}
