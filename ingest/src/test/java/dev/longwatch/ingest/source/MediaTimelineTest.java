package dev.longwatch.ingest.source;

import static dev.longwatch.ingest.source.MediaTimeline.NO_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaTimelineTest {

    private static List<Long> place(MediaTimeline timeline, long... timestampsUs) {
        List<Long> out = new ArrayList<>();
        for (long t : timestampsUs) {
            out.add(timeline.next(t));
        }
        return out;
    }

    @Test
    void shouldMeasureTimesFromTheFirstFrame() {
        assertThat(place(new MediaTimeline(25), 1_400_000, 1_440_000, 1_480_000, 2_400_000))
                .containsExactly(0L, 40L, 80L, 1000L);
    }

    @Test
    void shouldPlaceUntimedFramesOneStepAfterThePreviousFrame() {
        // AVI with B-frames: the frames flushed at the end come without a timestamp. Taken as 0
        // they would jump back to the start; the last interval (40 ms) places them instead.
        assertThat(place(new MediaTimeline(50), 80_000, 120_000, 160_000, NO_TIMESTAMP, NO_TIMESTAMP))
                .containsExactly(0L, 40L, 80L, 120L, 160L);
    }

    @Test
    void shouldUseTheNominalRateBeforeAnyIntervalIsKnown() {
        MediaTimeline timeline = new MediaTimeline(10);
        assertThat(place(timeline, NO_TIMESTAMP, NO_TIMESTAMP, 5_000_000, 5_100_000))
                .containsExactly(0L, 100L, 200L, 300L);
        assertThat(timeline.lastPtsMs()).isEqualTo(300L);
    }

    @Test
    void shouldFallBackToFortyMillisecondsWithoutAnyRate() {
        assertThat(place(new MediaTimeline(0), NO_TIMESTAMP, NO_TIMESTAMP)).containsExactly(0L, 40L);
    }

    @Test
    void shouldKeepTheLatestStepAcrossVariableRates() {
        // 30 fps, then 5 fps: an untimed frame after the slow part is 200 ms later.
        assertThat(place(new MediaTimeline(30), 0, 33_333, 66_667, 266_667, 466_667, NO_TIMESTAMP))
                .containsExactly(0L, 33L, 66L, 266L, 466L, 666L);
    }
}
