package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Invariants over random streams (jqwik properties; a failure prints the sample and its seed): the
 * bank never exceeds its capacity, its counts add up to the frames seen, frame slots tile the
 * timeline in order, gaps are not merged across unless no other pair is left, the cached
 * similarities equal a full recomputation, and an append touches a bounded number of slots.
 */
class MemoryBankPropertiesTest {

    @Property(tries = 300)
    void shouldKeepFrameSlotsWithinCapacityTilingTheTimeline(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 10) int capacity,
            @ForAll @IntRange(min = 1, max = 5) int tokens,
            @ForAll @IntRange(min = 1, max = 12) int dim,
            @ForAll boolean allowAcrossGaps,
            @ForAll @DoubleRange(min = 0, max = 0.5) double gapChance,
            @ForAll @IntRange(min = 1, max = 90) int frames) {
        RandomFrames source = new RandomFrames(seed, tokens, dim);
        Random random = new Random(~seed);
        MemoryBank bank =
                MemoryBank.create(new BankConfig(capacity, Granularity.FRAME, allowAcrossGaps));
        CountingSlotStore tensors = new CountingSlotStore();
        CountingSlotStore descriptors = new CountingSlotStore();
        BankStorage storage = new BankStorage(tensors, descriptors);
        BankIndex index = BankIndex.empty();
        List<long[]> seen = new ArrayList<>(); // {seq, ptsMs, gapBefore}
        long seq = 0;
        long pts = 0;
        Set<Integer> swallowedGaps = new HashSet<>(); // gap frames inside a slot, by index into seen
        for (int f = 0; f < frames; f++) {
            boolean gap = f > 0 && random.nextDouble() < gapChance;
            seq += gap ? 1 + random.nextInt(5) : 1;
            pts += gap ? 1000 + random.nextInt(5000) : 33 + random.nextInt(10);
            Lane before = index.isEmpty() ? Lane.empty() : index.lanes()[0];
            tensors.reset();
            AppendOutcome outcome =
                    bank.append(
                            index,
                            new BankFrame(seq, pts, tokens, dim, source.next(), gap),
                            storage);
            index = outcome.index();
            seen.add(new long[] {seq, pts, gap ? 1 : 0});
            String context = "seed " + seed + " frame " + f;

            assertThat(outcome.applied()).as(context).isTrue();
            assertThat(index.size()).as(context).isLessThanOrEqualTo(capacity);
            assertThat(index.framesSeen()).as(context).isEqualTo(f + 1);
            assertThat(index.lastSeq()).as(context).isEqualTo(seq);
            assertThat(tensors.size()).as(context).isEqualTo(index.size());
            assertThat(descriptors.size()).as(context).isEqualTo(index.size());
            // Incremental: the last entry, the merged pair and its two neighbours, whatever the
            // capacity.
            assertThat(tensors.gets).as(context).isLessThanOrEqualTo(5);
            assertThat(tensors.puts).as(context).isLessThanOrEqualTo(2);
            assertThat(tensors.removes).as(context).isLessThanOrEqualTo(1);
            if (outcome.mergedAcrossGap() && !allowAcrossGaps) {
                assertEveryPairCrossedAGap(before, gap, context);
            }
            Lane lane = index.lanes()[0];
            assertTiles(lane, seen, context);
            assertCachedSimilaritiesAreFresh(lane, tensors, tokens, dim, context);
            if (!allowAcrossGaps) {
                // A gap goes inside a slot only by the forced merge of this very step, one at a
                // time, and a swallowed gap stays swallowed; every other gap still starts a slot.
                Set<Integer> inside = gapsInsideSlots(lane, seen);
                Set<Integer> added = new HashSet<>(inside);
                added.removeAll(swallowedGaps);
                assertThat(inside).as(context + ": swallowed gaps stay inside").containsAll(swallowedGaps);
                assertThat(added.size()).as(context + ": gaps newly inside a slot").isEqualTo(outcome.mergedAcrossGap() ? 1 : 0);
                swallowedGaps = inside;
            }
        }
    }

    /**
     * The slots, in order, cover the frames seen, each a contiguous run, with span and keyframe.
     */
    private static void assertTiles(Lane lane, List<long[]> seen, String context) {
        long total = 0;
        for (long count : lane.counts()) {
            total += count;
        }
        assertThat(total).as(context + ": counts sum to frames seen").isEqualTo(seen.size());
        int first = 0;
        for (int i = 0; i < lane.size(); i++) {
            int last = first + (int) lane.counts()[i] - 1;
            assertThat(lane.startMs()[i])
                    .as(context + " slot " + i + " start")
                    .isEqualTo(seen.get(first)[1]);
            assertThat(lane.endMs()[i])
                    .as(context + " slot " + i + " end")
                    .isEqualTo(seen.get(last)[1]);
            assertThat(lane.keyframeSeqs()[i])
                    .as(context + " slot " + i + " keyframe")
                    .isBetween(seen.get(first)[0], seen.get(last)[0]);
            assertThat(lane.gapBefore()[i]).isEqualTo(seen.get(first)[2] == 1);
            if (i > 0) {
                assertThat(lane.startMs()[i]).isGreaterThan(lane.endMs()[i - 1]);
            }
            first = last + 1;
        }
    }

    /** The gap frames (indices into {@code seen}) that are not the first frame of their slot. */
    private static Set<Integer> gapsInsideSlots(Lane lane, List<long[]> seen) {
        Set<Integer> inside = new HashSet<>();
        int first = 0;
        for (int i = 0; i < lane.size(); i++) {
            for (int f = first + 1; f < first + lane.counts()[i]; f++) {
                if (seen.get(f)[2] == 1) {
                    inside.add(f);
                }
            }
            first += (int) lane.counts()[i];
        }
        return inside;
    }

    private static void assertEveryPairCrossedAGap(Lane before, boolean newGap, String context) {
        assertThat(newGap).as(context + ": forced merge though the new pair was allowed").isTrue();
        for (int i = 1; i < before.size(); i++) {
            assertThat(before.gapBefore()[i])
                    .as(context + ": forced merge though pair " + (i - 1) + " was allowed")
                    .isTrue();
        }
    }

    private static void assertCachedSimilaritiesAreFresh(
            Lane lane, CountingSlotStore tensors, int tokens, int dim, String context) {
        assertThat(lane.similarities()).hasSize(Math.max(lane.size() - 1, 0));
        for (int i = 0; i + 1 < lane.size(); i++) {
            double fresh =
                    VectorMath.meanTokenCosine(
                            tensors.get(lane.ids()[i]),
                            tensors.get(lane.ids()[i + 1]),
                            tokens,
                            dim);
            assertThat(lane.similarities()[i]).as(context + " pair " + i).isEqualTo(fresh);
        }
    }

    @Property(tries = 150)
    void shouldKeepTokenLanesWithinCapacityAndCountingEveryFrame(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int capacity,
            @ForAll @IntRange(min = 1, max = 6) int tokens,
            @ForAll @IntRange(min = 1, max = 10) int dim,
            @ForAll @IntRange(min = 1, max = 60) int frames) {
        RandomFrames source = new RandomFrames(seed, tokens, dim);
        MemoryBank bank = MemoryBank.create(BankConfig.tokens(capacity));
        CountingSlotStore tensors = new CountingSlotStore();
        BankStorage storage = new BankStorage(tensors, new InMemorySlotStore());
        BankIndex index = BankIndex.empty();
        for (int f = 0; f < frames; f++) {
            index =
                    bank.append(
                                    index,
                                    new BankFrame(f, f * 40L, tokens, dim, source.next(), false),
                                    storage)
                            .index();
            String context = "seed " + seed + " frame " + f;
            assertThat(index.lanes()).as(context).hasSize(tokens);
            assertThat(tensors.size()).as(context).isEqualTo(tokens * index.size());
            for (Lane lane : index.lanes()) {
                assertThat(lane.size()).as(context).isEqualTo(Math.min(f + 1, capacity));
                long total = 0;
                for (int i = 0; i < lane.size(); i++) {
                    total += lane.counts()[i];
                    if (i > 0) {
                        assertThat(lane.startMs()[i]).isGreaterThan(lane.endMs()[i - 1]);
                    }
                }
                assertThat(total).as(context).isEqualTo(f + 1);
                for (int i = 0; i + 1 < lane.size(); i++) {
                    double fresh =
                            VectorMath.cosine(
                                    tensors.get(lane.ids()[i]),
                                    0,
                                    tensors.get(lane.ids()[i + 1]),
                                    0,
                                    dim);
                    assertThat(lane.similarities()[i]).isEqualTo(fresh);
                }
            }
            List<SlotSummary> slots = bank.slots(index, storage);
            assertThat(slots).hasSize(index.size());
            assertThat(slots.get(0).startMs()).isZero();
            assertThat(slots.get(slots.size() - 1).endMs()).isEqualTo(f * 40L);
        }
    }
}
