package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {
    static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final IngestMetrics metrics = new IngestMetrics(registry, clock);

    @Test
    void shouldReportFramesReconnectsAndLastFrameAgePerStream() {
        IngestMetrics.StreamMeters cam = metrics.stream("cam-1");
        IngestMetrics.StreamMeters other = metrics.stream("cam-2");
        // 2 frames per second for 20 s on cam-1, one frame on cam-2.
        for (int i = 1; i <= 40; i++) {
            clock.advanceMs(500);
            cam.frameProduced(clock.millis());
        }
        other.frameProduced(clock.millis());
        cam.reconnects.increment();
        cam.reconnects.increment();
        clock.advanceMs(1_500);

        assertThat(counter("lw.ingest.frames", "cam-1")).isEqualTo(40);
        assertThat(counter("lw.ingest.frames", "cam-2")).isEqualTo(1);
        assertThat(counter("lw.ingest.reconnects", "cam-1")).isEqualTo(2);
        assertThat(counter("lw.ingest.reconnects", "cam-2")).isZero();
        assertThat(gauge("lw.ingest.last.frame.age", "cam-1")).isEqualTo(1.5);

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("lw_ingest_frames_total{stream=\"cam-1\"} 40.0")
                .contains("lw_ingest_reconnects_total{stream=\"cam-1\"} 2.0")
                .contains("lw_ingest_last_frame_age_seconds{stream=\"cam-1\"} 1.5");
    }

    @Test
    void shouldGiveTheFrameRateThroughTheCounterAndKeepAgingWhenFramesStop() {
        // Frames per second is Prometheus' rate() over the counter: the increase between two
        // scrapes over the time between them. The service keeps no per-frame state for it.
        IngestMetrics.StreamMeters cam = metrics.stream("cam-1");
        assertThat(gauge("lw.ingest.last.frame.age", "cam-1")).isNaN();
        double before = counter("lw.ingest.frames", "cam-1");
        for (int i = 0; i < 30; i++) {
            cam.frameProduced(clock.millis());
            clock.advanceMs(100);
        }
        assertThat((counter("lw.ingest.frames", "cam-1") - before) / 3.0).isCloseTo(10.0, within(1e-9));

        clock.advanceMs(10_000);

        assertThat(counter("lw.ingest.frames", "cam-1")).isEqualTo(30); // stopped: rate() falls to 0
        assertThat(gauge("lw.ingest.last.frame.age", "cam-1")).isCloseTo(10.1, within(1e-9));
        assertThat(registry.scrape()).doesNotContain("lw_ingest_fps");
    }

    double counter(String name, String stream) {
        return registry.get(name).tag("stream", stream).counter().count();
    }

    double gauge(String name, String stream) {
        return registry.get(name).tag("stream", stream).gauge().value();
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advanceMs(long ms) {
            now = now.plusMillis(ms);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
