package dev.longwatch.memory.chapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.memory.bank.SlotSummary;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class ChapterWindowTest {

    @Test
    void shouldAssignFramesToChaptersFromTheFirstFrame() {
        ChapterPolicy policy = new ChapterPolicy(600_000);

        assertThat(policy.index(5_000, 5_000)).isZero();
        assertThat(policy.index(5_000, 604_999)).isZero();
        assertThat(policy.index(5_000, 605_000)).isEqualTo(1);
        assertThat(policy.seals(5_000, 0, 605_000)).isTrue();
        assertThat(policy.seals(5_000, 1, 605_000)).isFalse();
    }

    @Test
    void shouldMergeOverlappingChaptersDownToCapacityBySimilarity() {
        // Two chapters of 3 slots; slots 1-2 and 3-4 are near duplicates.
        List<SlotSummary> slots =
                List.of(
                        slot(0, 9, 10, 1, 0, 0),
                        slot(10, 19, 10, 0, 1, 0),
                        slot(20, 29, 30, 0, 1, 0.01f),
                        slot(30, 39, 10, 0, 0, 1),
                        slot(40, 49, 10, 0, 0.01f, 1),
                        slot(50, 59, 10, 1, 1, 1));

        List<SlotSummary> window = ChapterWindow.merge(slots, 0, 59, 4);

        assertThat(window).extracting(SlotSummary::startMs).containsExactly(0L, 10L, 30L, 50L);
        assertThat(window).extracting(SlotSummary::endMs).containsExactly(9L, 29L, 49L, 59L);
        assertThat(window).extracting(SlotSummary::frameCount).containsExactly(10L, 40L, 20L, 10L);
        assertThat(window.get(1).keyframeSeq()).isEqualTo(20); // the bigger side's keyframe
        assertThat(window.get(1).descriptor()[2]).isCloseTo(0.0075f, within(1e-7f)); // (10·0 + 30·0.01) / 40
    }

    @Test
    void shouldKeepOnlySlotsOverlappingTheWindowAndNeverMoreThanCapacity() {
        List<SlotSummary> slots = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slots.add(slot(i * 10, i * 10 + 9, 1, (float) Math.sin(i), (float) Math.cos(i), i % 3));
        }

        List<SlotSummary> window = ChapterWindow.merge(slots, 205, 514, 7);

        assertThat(window).hasSize(7);
        assertThat(window.get(0).startMs()).isEqualTo(200);
        assertThat(window.get(6).endMs()).isEqualTo(519);
        assertThat(window.stream().mapToLong(SlotSummary::frameCount).sum()).isEqualTo(32);
        assertThatThrownBy(() -> ChapterWindow.merge(slots, 10, 5, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before it starts");
    }

    @Test
    void shouldMergeTheWeakestBoundariesFirstWhenEverySlotCarriesItsBoundary() {
        // Descriptors alike everywhere: only the boundaries after the slots tell them apart. The
        // strongest cuts (lowest similarity) are after slots 1 and 3.
        double[] after = {0.9, 0.1, 0.8, 0.2, 0.7, Double.NaN};
        List<SlotSummary> slots = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            slots.add(slot(i * 10, i * 10 + 9, 1, 1, 1, 1).withEndSimilarity(after[i]));
        }

        List<SlotSummary> window = ChapterWindow.merge(slots, 0, 59, 3);

        assertThat(window).extracting(SlotSummary::startMs).containsExactly(0L, 20L, 40L);
        assertThat(window).extracting(SlotSummary::endMs).containsExactly(19L, 39L, 59L);
        // A merged slot keeps the boundary after its right side.
        assertThat(window).extracting(SlotSummary::endSimilarity).containsExactly(0.1, 0.2, Double.NaN);
    }

    @Test
    void shouldMergeBySimilarityWhenAnySlotLacksItsBoundary() {
        // Slot 1 was kept by an MBC bank: the window falls back to the descriptors.
        List<SlotSummary> slots =
                List.of(
                        slot(0, 9, 1, 1, 0, 0).withEndSimilarity(0.0),
                        slot(10, 19, 1, 0, 1, 0),
                        slot(20, 29, 1, 0, 1, 0).withEndSimilarity(0.99));

        List<SlotSummary> window = ChapterWindow.merge(slots, 0, 29, 2);

        assertThat(window).extracting(SlotSummary::startMs).containsExactly(0L, 10L);
    }

    private static SlotSummary slot(long start, long end, long frames, float x, float y, float z) {
        return new SlotSummary(start, end, frames, start, new float[] {x, y, z});
    }
}
