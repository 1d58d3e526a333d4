package dev.longwatch.query.ask;

import static dev.longwatch.query.testing.Fixtures.chapter;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowSlotsTest {

    @Test
    void shouldReturnCurrentSlotsUntouchedWithoutChapters() {
        MemorySnapshot current = memory("cam-1", 1, List.of(slot(0, 1000, 1, 0, 1, 0), slot(2000, 3000, 1, 2, 0, 1)));

        assertThat(WindowSlots.of(current, List.of(), new TimeWindow(5, 9))).isEqualTo(current.getSlotsList());
    }

    @Test
    void shouldSkipCurrentSlotsThatTheLastChapterAlreadySealed() {
        Slot sealed = slot(0, 1000, 3, 0, 1, 0);
        // The snapshot was written before the seal: it still holds the sealed slot.
        MemorySnapshot current = memory("cam-1", 2, List.of(sealed, slot(2000, 3000, 1, 2, 0, 1)));
        Chapter first = chapter("cam-1", 0, 0, 2000, List.of(sealed));

        List<Slot> slots = WindowSlots.of(current, List.of(first), TimeWindow.ALL);

        assertThat(slots).extracting(Slot::getStartMs).containsExactly(0L, 2000L);
        assertThat(slots).extracting(Slot::getFrameCount).containsExactly(3L, 1L);
    }

    @Test
    void shouldMergeMostSimilarNeighboursDownToTwentyWhenTheSnapshotHasNoCapacity() {
        List<Slot> chapterSlots = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            chapterSlots.add(slot(i * 1000L, i * 1000L + 900, 1, i, 1, i));
        }
        MemorySnapshot current =
                memory("cam-1", 3, List.of(slot(30_000, 30_900, 1, 30, 1, 30))).toBuilder().setCapacity(0).build();

        List<Slot> slots = WindowSlots.of(current, List.of(chapter("cam-1", 0, 0, 30_000, chapterSlots)), TimeWindow.ALL);

        assertThat(slots).hasSize(WindowSlots.DEFAULT_CAPACITY);
        assertThat(slots.stream().mapToLong(Slot::getFrameCount).sum()).isEqualTo(31);
        assertThat(slots.get(0).getStartMs()).isZero();
        assertThat(slots.get(slots.size() - 1).getEndMs()).isEqualTo(30_900);
    }

    @Test
    void shouldDropTheWeakestBoundariesWhenTheChaptersCarryThem() {
        // A BOUNDARY bank's chapters: every slot says how strong the cut after it is; the
        // descriptors are all alike, so only the boundaries can choose. Strong cuts (0.1, 0.2)
        // after the slots at 1 s and 3 s, one between the chapters (0.3, after the slot at 4 s).
        double[] after = {0.9, 0.1, 0.8, 0.2, 0.3};
        List<Slot> sealed = new ArrayList<>();
        for (int i = 0; i < after.length; i++) {
            sealed.add(slot(i * 1000L, i * 1000L + 900, 1, i, 1, 1).toBuilder().setEndSimilarity(after[i]).build());
        }
        MemorySnapshot current =
                memory("cam-1", 5, List.of(slot(5_000, 5_900, 1, 5, 1, 1).toBuilder().setEndSimilarity(0.7).build(), slot(6_000, 6_900, 1, 6, 1, 1)))
                        .toBuilder().setCapacity(4).build();

        List<Slot> slots = WindowSlots.of(current, List.of(chapter("cam-1", 0, 0, 5_000, sealed)), TimeWindow.ALL);

        assertThat(slots).extracting(Slot::getStartMs).containsExactly(0L, 2_000L, 4_000L, 5_000L);
        assertThat(slots).extracting(Slot::getEndMs).containsExactly(1_900L, 3_900L, 4_900L, 6_900L);
        // The merged slots keep the boundary after their right side; the newest has none.
        assertThat(slots).extracting(Slot::getEndSimilarity).containsExactly(0.1, 0.2, 0.3, 0.0);
        assertThat(slots.get(3).hasEndSimilarity()).isFalse();
    }

    @Test
    void shouldRefuseToMergeDescriptorsOfDifferentLengths() {
        MemorySnapshot current = memory("cam-1", 4, List.of(slot(2000, 3000, 1, 2, 0, 1, 0)));
        Chapter first = chapter("cam-1", 0, 0, 2000, List.of(slot(0, 1000, 1, 0, 1, 0)));

        assertThatThrownBy(() -> WindowSlots.of(current, List.of(first), TimeWindow.ALL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("descriptors of 2 and 3 values");
    }
}
