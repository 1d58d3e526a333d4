package dev.longwatch.ingest.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of an ingest instance. Use {@link #defaults(String)} and the {@code with...}
 * methods; every default is listed on its component.
 *
 * @param bootstrapServers Kafka bootstrap servers, required
 * @param instanceId names this instance in statuses and Kafka client ids; default {@code ingest-<host>}
 * @param jpegMaxWidth frames wider than this are scaled down before JPEG encoding; default 640
 * @param jpegQuality JPEG quality in (0, 1]; default 0.85
 * @param defaultSampleFps used when a StreamSpec leaves sample_fps at 0; default 1.0
 * @param allowedRoots local files must lie under one of these directories; default empty = any
 *     local file (set it whenever URIs come from untrusted users)
 * @param pollTimeout how long one poll of {@code lw.streams} may block; default 500 ms
 * @param startTimeout how long {@code start()} waits to read the control plane to its end; default 30 s
 * @param networkTimeout connect/read timeout for RTSP and HTTP sources; default 10 s
 * @param statusInterval RUNNING statuses are written at most this often per stream; default 1 s
 * @param maxConcurrentStreams worker threads; streams beyond this wait in PENDING; default 8
 * @param shutdownTimeout how long {@code close()} waits for workers to stop; default 30 s
 */
public record IngestSettings(
        String bootstrapServers,
        String instanceId,
        int jpegMaxWidth,
        float jpegQuality,
        double defaultSampleFps,
        List<Path> allowedRoots,
        Duration pollTimeout,
        Duration startTimeout,
        Duration networkTimeout,
        Duration statusInterval,
        int maxConcurrentStreams,
        Duration shutdownTimeout) {

    public IngestSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(instanceId, "instanceId");
        allowedRoots = List.copyOf(allowedRoots);
        if (jpegMaxWidth <= 0) {
            throw new IllegalArgumentException("jpegMaxWidth must be > 0: " + jpegMaxWidth);
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("jpegQuality must be in (0, 1]: " + jpegQuality);
        }
        if (!(defaultSampleFps > 0) || Double.isInfinite(defaultSampleFps)) {
            throw new IllegalArgumentException("defaultSampleFps must be > 0: " + defaultSampleFps);
        }
        if (maxConcurrentStreams <= 0) {
            throw new IllegalArgumentException(
                    "maxConcurrentStreams must be > 0: " + maxConcurrentStreams);
        }
    }

    public static IngestSettings defaults(String bootstrapServers) {
        return new IngestSettings(
                bootstrapServers,
                "ingest-" + hostName(),
                640,
                0.85f,
                1.0,
                List.of(),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                8,
                Duration.ofSeconds(30));
    }

    public IngestSettings withInstanceId(String id) {
        return new IngestSettings(
                bootstrapServers, id, jpegMaxWidth, jpegQuality, defaultSampleFps, allowedRoots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout);
    }

    public IngestSettings withAllowedRoots(List<Path> roots) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps, roots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout);
    }

    public IngestSettings withJpeg(int maxWidth, float quality) {
        return new IngestSettings(
                bootstrapServers, instanceId, maxWidth, quality, defaultSampleFps, allowedRoots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout);
    }

    public IngestSettings withMaxConcurrentStreams(int n) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval, n,
                shutdownTimeout);
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "local";
            }
        }
        return host;
    }
}
