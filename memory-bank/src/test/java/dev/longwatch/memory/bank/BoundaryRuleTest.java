package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.chapter.ChapterWindow;
import dev.longwatch.memory.chapter.ChapteredBank;
import dev.longwatch.memory.chapter.SealedChapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link MergeRule#BOUNDARY} against its own oracle: after every frame the bank's slots are the
 * runs of frames between the M - 1 lowest similarities of consecutive frames seen so far (the
 * strongest cuts), each slot the mean of its frames. The oracle knows nothing of lanes, caches or
 * stores: it keeps every frame and cuts.
 */
class BoundaryRuleTest {
    private static final int TOKENS = 3;
    private static final int DIM = 8;

    @ParameterizedTest
    @EnumSource(StorageDtype.class)
    void shouldKeepTheStrongestCutsSeenSoFar(StorageDtype dtype) {
        for (long seed = 0; seed < 60; seed++) {
            int capacity = 2 + (int) (seed % 9);
            MemoryBank bank = MemoryBank.create(BankConfig.frames(capacity).withRule(MergeRule.BOUNDARY));
            BankStorage storage = BankStorage.inMemory(dtype);
            BankIndex index = BankIndex.empty();
            RandomFrames source = new RandomFrames(seed, TOKENS, DIM);
            List<float[]> frames = new ArrayList<>();
            List<Double> cuts = new ArrayList<>(); // cuts.get(i): similarity of frames i and i + 1
            for (int f = 0; f < 90; f++) {
                float[] values = source.next();
                if (!frames.isEmpty()) {
                    // An F16 store keeps the previous frame rounded: the oracle compares what is kept.
                    cuts.add(VectorMath.meanTokenCosine(stored(frames.get(frames.size() - 1), dtype), values, TOKENS, DIM));
                }
                frames.add(values);
                index = bank.append(index, new BankFrame(f, 1000L * f, TOKENS, DIM, values, false), storage).index();

                List<int[]> expected = runsBetweenStrongestCuts(cuts, frames.size(), capacity);
                Lane lane = index.lanes()[0];
                String context = dtype + " seed " + seed + " frame " + f;
                assertThat(lane.size()).as(context).isEqualTo(expected.size());
                for (int s = 0; s < expected.size(); s++) {
                    int[] run = expected.get(s);
                    assertThat(lane.startMs()[s]).as(context + " slot " + s).isEqualTo(1000L * run[0]);
                    assertThat(lane.endMs()[s]).as(context + " slot " + s).isEqualTo(1000L * run[1]);
                    assertThat(lane.counts()[s]).as(context).isEqualTo(run[1] - run[0] + 1);
                    if (s + 1 < expected.size()) {
                        assertThat(lane.similarities()[s]).as(context).isEqualTo(cuts.get(run[1]));
                    }
                }
            }
            // Each slot is the mean of its frames (within the rounding of the store).
            double tolerance = dtype == StorageDtype.F32 ? 1e-5 : 5e-2;
            Lane lane = index.lanes()[0];
            for (int s = 0; s < lane.size(); s++) {
                float[] mean = mean(frames, (int) (lane.startMs()[s] / 1000), (int) (lane.endMs()[s] / 1000));
                float[] kept = storage.tensors().get(lane.ids()[s]);
                for (int i = 0; i < mean.length; i++) {
                    assertThat((double) kept[i]).isCloseTo(mean[i], within(tolerance));
                }
            }
        }
    }

    @Test
    void shouldKeepACutAfterAGapWhileAnotherPairMayMerge() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(2).withRule(MergeRule.BOUNDARY));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        // Frames 0-1-2 alike, frame 3 alike too but after a gap: the gap's pair is weak, yet kept.
        float[] still = new float[TOKENS * DIM];
        Arrays.fill(still, 1f);
        for (int f = 0; f < 4; f++) {
            index = bank.append(index, new BankFrame(f, 1000L * f, TOKENS, DIM, still, f == 3), storage).index();
        }
        Lane lane = index.lanes()[0];
        assertThat(lane.startMs()).containsExactly(0L, 3000L);
    }

    @Test
    void shouldCompareAChaptersFirstFrameWithTheLastOfTheChapterBefore() {
        ChapteredBank chaptered = new ChapteredBank(
                MemoryBank.create(BankConfig.frames(3).withRule(MergeRule.BOUNDARY)), new ChapterPolicy(5_000));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        RandomFrames source = new RandomFrames(2, TOKENS, DIM);
        float[] before = null;
        SealedChapter sealed = null;
        for (int f = 0; f < 6; f++) {
            float[] values = source.next();
            ChapteredBank.Step step =
                    chaptered.append(cursor, index, new BankFrame(f, 1000L * f, TOKENS, DIM, values, false), storage);
            if (step.sealed() != null) {
                sealed = step.sealed();
                double boundary = VectorMath.meanTokenCosine(before, values, TOKENS, DIM);
                assertThat(step.outcome().similarityToPrevious()).isEqualTo(boundary);
                List<SlotSummary> slots = sealed.slots();
                assertThat(slots.get(slots.size() - 1).endSimilarity()).isEqualTo(boundary);
                assertThat(slots.subList(0, slots.size() - 1)).allSatisfy(s -> assertThat(s.endSimilarity()).isNotNaN());
            }
            before = values;
            index = step.outcome().index();
            cursor = step.cursor();
        }
        assertThat(sealed).isNotNull();
        // The previous frame outlives the seal; the sealed slots' tensors do not.
        assertThat(storage.tensors().get(BoundaryFrameBank.PREVIOUS_FRAME)).isEqualTo(before);
        List<SlotSummary> live = chaptered.bank().slots(index, storage);
        assertThat(live.get(live.size() - 1).endSimilarity()).isNaN();
    }

    @Test
    void shouldAnswerAWindowOverChaptersAsOneBankOverThatWindowAlone() {
        int capacity = 6;
        for (long seed = 0; seed < 20; seed++) {
            RandomFrames source = new RandomFrames(seed * 2, TOKENS, DIM); // scene walks
            List<float[]> frames = new ArrayList<>();
            for (int f = 0; f < 200; f++) {
                frames.add(source.next());
            }
            // Chapters of 20 frames; the window is chapters 2 to 6, frames 40-139.
            List<SlotSummary> all = chapteredSlots(frames, capacity, 20_000);
            List<SlotSummary> window = ChapterWindow.merge(all, 40_000, 139_000, capacity);
            List<SlotSummary> alone = oneBank(frames.subList(40, 140), 40, capacity);

            assertThat(window).hasSameSizeAs(alone);
            for (int s = 0; s < alone.size(); s++) {
                String context = "seed " + seed + " slot " + s;
                assertThat(window.get(s).startMs()).as(context).isEqualTo(alone.get(s).startMs());
                assertThat(window.get(s).endMs()).as(context).isEqualTo(alone.get(s).endMs());
                assertThat(window.get(s).frameCount()).as(context).isEqualTo(alone.get(s).frameCount());
            }
        }
    }

    /**
     * A bank kept with 12 slots and restored with 5 ({@link MemoryBank#fit}) loses its weakest
     * boundaries, as a bank of 5 did frame by frame: the same runs and the same boundaries.
     */
    @ParameterizedTest
    @EnumSource(StorageDtype.class)
    void shouldFitABankKeptWithMoreSlotsByDroppingItsWeakestBoundaries(StorageDtype dtype) {
        for (long seed = 0; seed < 10; seed++) {
            MemoryBank wide = MemoryBank.create(BankConfig.frames(12).withRule(MergeRule.BOUNDARY));
            MemoryBank narrow = MemoryBank.create(BankConfig.frames(5).withRule(MergeRule.BOUNDARY));
            BankStorage wideStorage = BankStorage.inMemory(dtype);
            BankStorage narrowStorage = BankStorage.inMemory(dtype);
            BankIndex wideIndex = BankIndex.empty();
            BankIndex narrowIndex = BankIndex.empty();
            RandomFrames source = new RandomFrames(seed, TOKENS, DIM);
            for (int f = 0; f < 60; f++) {
                BankFrame frame = new BankFrame(f, 1000L * f, TOKENS, DIM, source.next(), false);
                wideIndex = wide.append(wideIndex, frame, wideStorage).index();
                narrowIndex = narrow.append(narrowIndex, frame, narrowStorage).index();
            }

            BankIndex fitted = narrow.fit(wideIndex, wideStorage);

            Lane expected = narrowIndex.lanes()[0];
            Lane actual = fitted.lanes()[0];
            String context = dtype + " seed " + seed;
            assertThat(actual.startMs()).as(context).containsExactly(expected.startMs());
            assertThat(actual.endMs()).as(context).containsExactly(expected.endMs());
            assertThat(actual.similarities()).as(context).containsExactly(expected.similarities());
            List<SlotSummary> slots = narrow.slots(fitted, wideStorage);
            List<SlotSummary> direct = narrow.slots(narrowIndex, narrowStorage);
            double tolerance = dtype == StorageDtype.F32 ? 1e-5 : 5e-2;
            for (int s = 0; s < slots.size(); s++) {
                for (int i = 0; i < DIM; i++) {
                    assertThat((double) slots.get(s).descriptor()[i])
                            .isCloseTo(direct.get(s).descriptor()[i], within(tolerance));
                }
            }
        }
    }

    /**
     * An F32 bank under this rule adopted into F16 storage ({@link MemoryBank#adopt}, the job's move
     * to binary16 state) keeps its boundaries, which compare frames its slots no longer hold, and
     * its previous frame, so the next frame's boundary is measured as the F32 bank measures it.
     */
    @Test
    void shouldKeepBoundariesAndThePreviousFrameWhenAdopted() {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(4).withRule(MergeRule.BOUNDARY));
        BankStorage kept = BankStorage.inMemory(StorageDtype.F32);
        BankIndex index = BankIndex.empty();
        RandomFrames source = new RandomFrames(7, TOKENS, DIM);
        for (int f = 0; f < 20; f++) {
            index = bank.append(index, new BankFrame(f, 1000L * f, TOKENS, DIM, source.next(), false), kept).index();
        }

        BankStorage halves = BankStorage.inMemory(StorageDtype.F16);
        BankIndex adopted = bank.adopt(index, kept.tensors(), halves);

        assertThat(adopted.lanes()[0].similarities()).containsExactly(index.lanes()[0].similarities());
        float[] previous = kept.tensors().get(BoundaryFrameBank.PREVIOUS_FRAME);
        float[] next = source.next();
        double boundary = bank.append(adopted, new BankFrame(20, 20_000, TOKENS, DIM, next, false), halves)
                .similarityToPrevious();
        assertThat(boundary).isCloseTo(VectorMath.meanTokenCosine(previous, next, TOKENS, DIM), within(1e-3));
    }

    @Test
    void shouldRefuseTheRuleAtTokenGranularity() {
        assertThatThrownBy(() -> BankConfig.tokens(4).withRule(MergeRule.BOUNDARY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FRAME");
    }

    /** Every sealed chapter's slots and the live bank's, frames 1 s apart. */
    private static List<SlotSummary> chapteredSlots(List<float[]> frames, int capacity, long chapterMs) {
        ChapteredBank chaptered = new ChapteredBank(
                MemoryBank.create(BankConfig.frames(capacity).withRule(MergeRule.BOUNDARY)), new ChapterPolicy(chapterMs));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        ChapterCursor cursor = null;
        List<SlotSummary> slots = new ArrayList<>();
        for (int f = 0; f < frames.size(); f++) {
            ChapteredBank.Step step = chaptered.append(
                    cursor, index, new BankFrame(f, 1000L * f, TOKENS, DIM, frames.get(f), false), storage);
            if (step.sealed() != null) {
                slots.addAll(step.sealed().slots());
            }
            index = step.outcome().index();
            cursor = step.cursor();
        }
        slots.addAll(chaptered.bank().slots(index, storage));
        return slots;
    }

    private static List<SlotSummary> oneBank(List<float[]> frames, int firstSecond, int capacity) {
        MemoryBank bank = MemoryBank.create(BankConfig.frames(capacity).withRule(MergeRule.BOUNDARY));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        for (int f = 0; f < frames.size(); f++) {
            long second = firstSecond + f;
            index = bank.append(index, new BankFrame(second, 1000L * second, TOKENS, DIM, frames.get(f), false), storage).index();
        }
        return bank.slots(index, storage);
    }

    /** Frame runs {first, last} between the {@code capacity - 1} lowest of {@code cuts}. */
    private static List<int[]> runsBetweenStrongestCuts(List<Double> cuts, int frames, int capacity) {
        Integer[] order = new Integer[cuts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(cuts.get(a), cuts.get(b)));
        boolean[] cutAfter = new boolean[frames];
        for (int k = 0; k < Math.min(capacity - 1, order.length); k++) {
            cutAfter[order[k]] = true;
        }
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        for (int f = 0; f < frames; f++) {
            if (f == frames - 1 || cutAfter[f]) {
                runs.add(new int[] {start, f});
                start = f + 1;
            }
        }
        return runs;
    }

    private static float[] stored(float[] values, StorageDtype dtype) {
        if (dtype == StorageDtype.F32) {
            return values;
        }
        float[] rounded = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = Half.WIDE[Half.toHalf(values[i]) & 0xffff];
        }
        return rounded;
    }

    private static float[] mean(List<float[]> frames, int first, int last) {
        float[] mean = new float[frames.get(0).length];
        for (int f = first; f <= last; f++) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += frames.get(f)[i];
            }
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= last - first + 1;
        }
        return mean;
    }
}
