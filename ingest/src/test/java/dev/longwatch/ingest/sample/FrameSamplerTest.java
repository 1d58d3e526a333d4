package dev.longwatch.ingest.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {

    private static List<Long> sample(double fps, long... pts) {
        FrameSampler sampler = new FrameSampler(fps);
        List<Long> kept = new ArrayList<>();
        for (long p : pts) {
            if (sampler.accept(p)) {
                kept.add(p);
            }
        }
        return kept;
    }

    private static long[] constantRate(double sourceFps, double seconds) {
        int n = (int) Math.round(sourceFps * seconds);
        long[] pts = new long[n];
        for (int i = 0; i < n; i++) {
            pts[i] = (long) Math.floor(i * 1000.0 / sourceFps);
        }
        return pts;
    }

    @Test
    void shouldKeepOneFramePerSecondOfA25FpsSource() {
        assertThat(sample(1, constantRate(25, 10)))
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L);
    }

    @Test
    void shouldPickTheFirstFrameAtOrAfterEachBoundaryOfA30FpsSource() {
        // 30 fps frames fall at 0, 33, 66, 100, ... ; boundaries at 0, 500, 1000 ms.
        assertThat(sample(2, constantRate(30, 2))).containsExactly(0L, 500L, 1000L, 1500L);
        // 2.997 fps boundaries: 0, 333.67, 667.33, 1001.0 -> the frames at 366, 700, 1033.
        assertThat(sample(2.997, constantRate(30, 1.2))).containsExactly(0L, 366L, 700L, 1033L);
    }

    @Test
    void shouldKeepEveryFrameWhenSamplingFasterThanTheSource() {
        long[] pts = constantRate(5, 3);
        assertThat(sample(30, pts)).hasSize(pts.length);
    }

    @Test
    void shouldFollowPresentationTimeOnVariableFrameRate() {
        // Bursts and stalls: 60 fps for the first second, then 2 fps, then 20 fps.
        List<Long> pts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            pts.add(Math.round(i * 1000 / 60.0));
        }
        for (long t = 1000; t < 4000; t += 500) {
            pts.add(t + 130);
        }
        for (long t = 4000; t < 6000; t += 50) {
            pts.add(t);
        }
        long[] arr = pts.stream().mapToLong(Long::longValue).toArray();
        // One frame per second of media time, each the first at/after its boundary.
        assertThat(sample(1, arr)).containsExactly(0L, 1130L, 2130L, 3130L, 4000L, 5000L);
    }

    @Test
    void shouldEmitOneFrameAfterAGapSpanningSeveralBoundaries() {
        assertThat(sample(1, 0, 40, 80, 7_500, 7_540, 8_000, 8_040))
                .containsExactly(0L, 7_500L, 8_000L);
    }

    @Test
    void shouldSkipFramesWhoseTimeGoesBackwards() {
        assertThat(sample(1, 0, 1_000, 900, 1_000, 1_999, 2_000)).containsExactly(0L, 1_000L, 2_000L);
    }

    @Test
    void shouldStartAtTheFirstFrameEvenIfItIsLate() {
        assertThat(sample(1, 250, 1_000, 1_250)).containsExactly(250L, 1_000L);
    }

    @Test
    void shouldRejectNonPositiveOrInvalidRates() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new FrameSampler(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sampleFps");
        }
    }
}
