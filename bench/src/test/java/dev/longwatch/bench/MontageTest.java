package dev.longwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.bench.Scene;
import dev.longwatch.memory.strategy.StrategyInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MontageTest {
    private static final int TOKENS = 2;
    private static final int DIM = 3;

    @Test
    void shouldCutAClipIntoShotsWithTimesFromEachShotsStart() {
        EncodedClip clip = clip("c", 0, 1000, 2000, 3000, 4000);

        List<EncodedClip> shots = clip.shots(List.of(1_500L, 1_700L, 3_000L));

        // [0,1.5) two frames; [1.5,1.7) none, so no shot; [1.7,3) one; [3,5) two
        assertThat(shots).extracting(EncodedClip::name).containsExactly("c@0.00s", "c@1.70s", "c@3.00s");
        assertThat(shots.get(0).ptsMs()).containsExactly(0L, 1_000L);
        assertThat(shots.get(1).ptsMs()).containsExactly(300L);
        assertThat(shots.get(2).ptsMs()).containsExactly(0L, 1_000L);
        assertThat(shots.get(2).tokens().get(0)).isSameAs(clip.tokens().get(3));
        assertThat(shots).extracting(EncodedClip::durationMs).containsExactly(2_000L, 1_300L, 2_000L); // one interval past the last frame at least
        assertThat(clip.shots(List.of())).extracting(EncodedClip::name).containsExactly("c");
    }

    @Test
    void shouldReplayAShotShorterThanTheSamplingIntervalAtTheSamplingRate() {
        EncodedClip shot = clip("c", 0, 1000).shots(List.of(200L)).get(0);

        assertThat(shot.durationMs()).isEqualTo(1_000);
    }

    @Test
    void shouldPlayEachOccurrenceForItsLengthForwardThenBackward() {
        List<EncodedClip> shots = List.of(clip("a", 0, 1000, 2000), clip("b", 0, 1000));

        Montage montage = Montage.build(shots, 7, 20_000, (random, shot) -> 7_000, TOKENS, DIM);

        assertThat(montage.scenes()).hasSize(3); // 7 s each until at least 20 s
        assertThat(montage.scenes()).containsExactly(new Scene(0, 7_000), new Scene(7_000, 14_000), new Scene(14_000, 21_000));
        assertThat(montage.order()).hasSize(3);
        for (int i = 1; i < 3; i++) {
            assertThat(montage.order().get(i).shot()).as("never the same shot twice in a row").isNotEqualTo(montage.order().get(i - 1).shot());
            assertThat(montage.order().get(i).startMs()).isEqualTo(montage.scenes().get(i).startMs());
        }
        List<StrategyInput> frames = montage.frames();
        assertThat(frames).hasSize(7 * 3);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).seq()).isEqualTo(i);
            assertThat(frames.get(i).ptsMs()).isEqualTo(i * 1_000L);
        }
        // The first occurrence plays its shot forward, backward, forward...
        EncodedClip first = montage.order().get(0).shot().equals("a") ? shots.get(0) : shots.get(1);
        List<Integer> played = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            played.add(first.tokens().indexOf(frames.get(i).values()));
        }
        assertThat(played).containsExactly(first.tokens().size() == 3 ? new Integer[] {0, 1, 2, 2, 1, 0, 0} : new Integer[] {0, 1, 1, 0, 0, 1, 1});
    }

    /** A clip of frames at {@code pts}, each with its own values. */
    private static EncodedClip clip(String name, long... pts) {
        List<Long> times = new ArrayList<>();
        List<float[]> tokens = new ArrayList<>();
        for (long t : pts) {
            times.add(t);
            tokens.add(new float[] {t, t + 1, t + 2, t + 3, t + 4, name.charAt(0)});
        }
        return new EncodedClip(name, times, tokens, 1_000, pts[pts.length - 1] + 1_000);
    }
}
