package dev.longwatch.memory.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** What every {@link MemoryStrategy} promises, checked after every append. */
class MemoryStrategyContractTest {
    private static final int TOKENS = 8;
    private static final int DIM = 6;

    static Stream<String> names() {
        return Strategies.NAMES.stream();
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldKeepAtMostCapacitySlotsInTimeOrderWithinTheTimeline(String name) {
        for (int capacity : new int[] {2, 3, 7, 16}) {
            MemoryStrategy strategy = Strategies.create(name, capacity);
            Random random = new Random(capacity);
            long pts = 1_000;
            long firstPts = pts;
            for (int f = 0; f < 150; f++) {
                pts += 1 + random.nextInt(80);
                if (f == 0) {
                    firstPts = pts;
                }
                strategy.append(new StrategyInput(f, pts, TOKENS, DIM, frame(random)));
                String context = name + " M=" + capacity + " frame " + f;
                List<MemorySlot> slots = strategy.slots();

                assertThat(strategy.framesSeen()).isEqualTo(f + 1);
                assertThat(slots).as(context).isNotEmpty().hasSizeLessThanOrEqualTo(capacity);
                for (int i = 0; i < slots.size(); i++) {
                    MemorySlot slot = slots.get(i);
                    assertThat(slot.startMs()).as(context).isBetween(firstPts, slot.endMs());
                    assertThat(slot.endMs()).as(context).isLessThanOrEqualTo(pts);
                    assertThat(slot.frameCount()).as(context).isBetween(1L, f + 1L);
                    assertThat(slot.values()).as(context).hasSize(slot.tokens() * DIM);
                    if (i > 0) {
                        assertThat(slot.startMs()).as(context).isGreaterThanOrEqualTo(slots.get(i - 1).startMs());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldRejectFramesGoingBackInTimeOrChangingShape(String name) {
        MemoryStrategy strategy = Strategies.create(name, 4);
        Random random = new Random(1);
        strategy.append(new StrategyInput(5, 500, TOKENS, DIM, frame(random)));

        assertThatThrownBy(() -> strategy.append(new StrategyInput(6, 400, TOKENS, DIM, frame(random))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("400 ms");
        assertThatThrownBy(() -> strategy.append(new StrategyInput(5, 600, TOKENS, DIM, frame(random))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seq 5");
        assertThatThrownBy(() -> strategy.append(new StrategyInput(7, 700, 2, 4, new float[8])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x4");
        assertThat(strategy.framesSeen()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldCoverEveryFrameExactlyOnceWhenTheStrategyTilesTime(String name) {
        MemoryStrategy strategy = Strategies.create(name, 6);
        Random random = new Random(9);
        for (int f = 0; f < 37; f++) {
            strategy.append(new StrategyInput(f, f * 100L, TOKENS, DIM, frame(random)));
        }
        long counted = strategy.slots().stream().mapToLong(MemorySlot::frameCount).sum();
        if (name.equals("mbc-token")) {
            // A token-mode slot position counts the mean of its lanes' counts, rounded: each of the
            // 6 positions may be off by half a frame.
            assertThat(counted).isBetween(37L - 3, 37L + 3);
            return;
        }
        long expected =
                switch (name) {
                    case "fifo" -> 6; // the last M frames, one each
                    case "uniform" -> strategy.slots().size(); // sampled frames, one each
                    case "stpool" -> 2 * 37; // the spatial slot plus segments tiling all frames
                    case "slowfast" -> 1 + 37; // one slow frame (M/4 = 1) plus segments tiling all frames
                    default -> 37; // adaptive-pool segments and mbc slots tile all frames
                };
        assertThat(counted).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("names")
    void shouldUseItsWholeBudgetOnceItHasSeenThatManyFrames(String name) {
        for (int capacity : new int[] {4, 20}) {
            MemoryStrategy strategy = Strategies.create(name, capacity);
            Random random = new Random(capacity);
            for (int f = 0; f < 50 * capacity; f++) {
                strategy.append(new StrategyInput(f, f * 1000L, TOKENS, DIM, frame(random)));
                if (f + 1 >= capacity) {
                    assertThat(strategy.slots()).as(name + " M=" + capacity + " after " + (f + 1) + " frames").hasSize(capacity);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void shouldSampleEvenlyOverEverythingSeen() {
        MemoryStrategy uniform = Strategies.create("uniform", 20);
        Random random = new Random(2);
        int frames = 3_600;
        for (int f = 0; f < frames; f++) {
            uniform.append(new StrategyInput(f, f * 1000L, TOKENS, DIM, frame(random)));
        }
        List<Long> kept = uniform.slots().stream().map(MemorySlot::keyframeSeq).toList();
        assertThat(kept).hasSize(20).startsWith(0L).endsWith((long) frames - 1);
        double even = (frames - 1) / 19.0;
        for (int i = 1; i < kept.size(); i++) {
            assertThat(kept.get(i) - kept.get(i - 1)).as("gap " + i + " of " + kept).isBetween(1L, Math.round(1.6 * even));
        }
    }

    @org.junit.jupiter.api.Test
    void shouldNameAnUnknownStrategy() {
        assertThatThrownBy(() -> Strategies.create("lru", 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'lru'")
                .hasMessageContaining("mbc");
    }

    private static float[] frame(Random random) {
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
