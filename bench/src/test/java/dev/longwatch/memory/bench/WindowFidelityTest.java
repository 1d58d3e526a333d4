package dev.longwatch.memory.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bench.WindowFidelity.Scored;
import dev.longwatch.memory.bench.WindowFidelity.Tally;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.strategy.StrategyInput;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class WindowFidelityTest {
    private static final int TOKENS = 4;
    private static final int DIM = 8;

    @Test
    void shouldScoreTheScenesAWindowOverlapsAndTheCutsInsideIt() {
        List<Scene> scenes = List.of(new Scene(0, 10_000), new Scene(10_000, 20_000), new Scene(20_000, 30_000));
        // Window [5 s, 15 s]: scenes 1 and 2 overlap it, the cut at 10 s is inside it.
        List<Scored> slots = List.of(new Scored(5_000, 9_000, 7_000), new Scored(9_000, 15_000, 12_000));

        Tally tally = WindowFidelity.tally(slots, scenes, 5_000, 15_000);

        assertThat(tally.scenes()).isEqualTo(2);
        assertThat(tally.sceneRecall()).isEqualTo(0.5); // the second slot straddles the cut
        assertThat(tally.keyframeRecall()).isEqualTo(1.0); // yet its keyframe shows scene 2
        assertThat(tally.spanErrorSec()).isEqualTo(1.0); // nearest boundary to the cut: 9 s
        assertThat(tally.slots()).isEqualTo(2);
    }

    @Test
    void shouldSampleAndTileTheWindowWithExactlyMSlots() {
        List<StrategyInput> frames = frames(100, new Random(1));

        List<Scored> uniform = WindowFidelity.uniform(frames, 10);
        List<Scored> spans = WindowFidelity.equalSpans(frames, 10);

        assertThat(uniform).hasSize(10).first().isEqualTo(new Scored(0, 0, 0));
        assertThat(uniform.get(9)).isEqualTo(new Scored(99_000, 99_000, 99_000));
        assertThat(spans).hasSize(10);
        assertThat(spans.get(0)).isEqualTo(new Scored(0, 9_000, 4_000));
        assertThat(WindowFidelity.between(frames, 10_000, 19_500)).hasSize(10);
    }

    @Test
    void shouldAnswerABoundaryWindowThroughChaptersAsABankOverTheWindowAlone() {
        // Through the job's publication (Snapshots) and the query service's merge (SlotSpan): the
        // boundaries survive the wire, so the window matches one bank over its frames.
        List<StrategyInput> frames = frames(300, new Random(7));
        BankConfig config = BankConfig.frames(8).withRule(MergeRule.BOUNDARY);
        WindowFidelity.ChapteredMemory memory =
                WindowFidelity.chaptered(frames, config, new ChapterPolicy(30_000), StorageDtype.F32);

        List<Scored> answered = memory.answer(60_000, 179_000);
        List<Scored> alone = WindowFidelity.alone(WindowFidelity.between(frames, 60_000, 179_000), config, StorageDtype.F32);

        assertThat(memory.chapterCount()).isEqualTo(9);
        // Same spans; a keyframe may differ, as merges in another order weigh other sides.
        assertThat(answered).hasSize(8).extracting(Scored::startMs).isEqualTo(alone.stream().map(Scored::startMs).toList());
        assertThat(answered).extracting(Scored::endMs).isEqualTo(alone.stream().map(Scored::endMs).toList());
    }

    @Test
    void shouldNeverShowMoreThanMSlotsForAWindowOfManyChapters() {
        List<StrategyInput> frames = frames(300, new Random(9));
        WindowFidelity.ChapteredMemory memory =
                WindowFidelity.chaptered(frames, BankConfig.frames(5), new ChapterPolicy(20_000), StorageDtype.F16);

        List<Scored> all = memory.answer(0, 299_000);

        assertThat(all).hasSize(5);
        assertThat(all.get(0).startMs()).isZero();
        assertThat(all.get(4).endMs()).isEqualTo(299_000);
    }

    /** One frame a second, scenes of 5-30 frames: a base vector plus noise each. */
    private static List<StrategyInput> frames(int count, Random random) {
        List<StrategyInput> frames = new ArrayList<>();
        float[] base = null;
        int left = 0;
        for (int f = 0; f < count; f++) {
            if (left-- <= 0) {
                base = new float[TOKENS * DIM];
                for (int i = 0; i < base.length; i++) {
                    base[i] = (float) random.nextGaussian();
                }
                left = 5 + random.nextInt(25);
            }
            float[] values = new float[base.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = base[i] + 0.3f * (float) random.nextGaussian();
            }
            frames.add(new StrategyInput(f, f * 1000L, TOKENS, DIM, values));
        }
        return frames;
    }
}
