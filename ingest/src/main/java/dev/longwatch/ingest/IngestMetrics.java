package dev.longwatch.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-stream meters, tagged {@code stream}; in Prometheus: {@code lw_ingest_frames_total} (frames
 * produced, i.e. acknowledged by Kafka; frames per second is {@code
 * rate(lw_ingest_frames_total[1m])}), {@code lw_ingest_reconnects_total}, {@code
 * lw_ingest_last_frame_age_seconds}, plus {@code lw_ingest_decoded_total} and {@code
 * lw_ingest_failures_total}.
 */
final class IngestMetrics {
    private final MeterRegistry registry;
    private final Clock clock;
    // Gauges hold their state weakly: this map keeps it alive for the life of the service.
    private final Map<String, StreamMeters> streams = new ConcurrentHashMap<>();

    IngestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    StreamMeters stream(String streamId) {
        return streams.computeIfAbsent(streamId, this::create);
    }

    Counter controlPlaneErrors() {
        return Counter.builder("lw.ingest.control.errors")
                .description("lw.streams records that could not be read or applied")
                .register(registry);
    }

    private StreamMeters create(String streamId) {
        StreamMeters m =
                new StreamMeters(
                        Counter.builder("lw.ingest.frames")
                                .description("frames written to lw.frames and acknowledged by Kafka")
                                .tag("stream", streamId)
                                .register(registry),
                        Counter.builder("lw.ingest.decoded")
                                .description("frames decoded, sampled or not")
                                .tag("stream", streamId)
                                .register(registry),
                        Counter.builder("lw.ingest.reconnects")
                                .description("reconnects to a live source")
                                .tag("stream", streamId)
                                .register(registry),
                        Counter.builder("lw.ingest.failures")
                                .description("runs that ended FAILED")
                                .tag("stream", streamId)
                                .register(registry),
                        clock);
        Gauge.builder("lw.ingest.last.frame.age", m, StreamMeters::lastFrameAgeSeconds)
                .description("seconds since the last frame was produced; NaN before the first")
                .baseUnit("seconds")
                .tag("stream", streamId)
                .register(registry);
        return m;
    }

    static final class StreamMeters {
        final Counter frames;
        final Counter decoded;
        final Counter reconnects;
        final Counter failures;
        private final Clock clock;
        private volatile long lastFrameMs = -1;

        StreamMeters(Counter frames, Counter decoded, Counter reconnects, Counter failures, Clock clock) {
            this.frames = frames;
            this.decoded = decoded;
            this.reconnects = reconnects;
            this.failures = failures;
            this.clock = clock;
        }

        /** A frame was acknowledged by Kafka at {@code wallMs}; called on the producer's I/O thread. */
        void frameProduced(long wallMs) {
            frames.increment();
            lastFrameMs = wallMs;
        }

        double lastFrameAgeSeconds() {
            long last = lastFrameMs;
            return last < 0 ? Double.NaN : (clock.millis() - last) / 1000.0;
        }
    }
}
