package dev.longwatch.ingest.config;

import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * @param reconnect backoff and stall detection for live sources; see {@link ReconnectPolicy#defaults()}
 * @param rtspTransport {@code tcp} (default: works through NAT and firewalls) or {@code udp}
 * @param groupId the Kafka consumer group the instances sharing the streams join; default
 *     {@code longwatch-ingest}
 * @param sessionTimeout how long the group waits for a silent instance before its streams move to
 *     the others (Kafka's {@code session.timeout.ms}); default 10 s, which is what a camera of a
 *     dead instance stays unrecorded at most, plus the reconnect. Brokers refuse values below
 *     their {@code group.min.session.timeout.ms} (6 s unless configured)
 * @param heartbeatInterval how often an instance tells the group it is alive ({@code
 *     heartbeat.interval.ms}); default 3 s, must be below {@code sessionTimeout} (a third is usual)
 * @param kafkaClient security and other settings for every Kafka client of the instance ({@code
 *     LONGWATCH_KAFKA_*}, see {@link KafkaClientProperties}); default none
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
        Duration shutdownTimeout,
        ReconnectPolicy reconnect,
        String rtspTransport,
        String groupId,
        Duration sessionTimeout,
        Duration heartbeatInterval,
        KafkaClientProperties kafkaClient) {

    public IngestSettings {
        Objects.requireNonNull(kafkaClient, "kafkaClient");
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()
                || heartbeatInterval.compareTo(sessionTimeout) >= 0) {
            throw new IllegalArgumentException(
                    "heartbeatInterval must be > 0 and below sessionTimeout ("
                            + sessionTimeout
                            + "): "
                            + heartbeatInterval);
        }
        if (!"tcp".equals(rtspTransport) && !"udp".equals(rtspTransport)) {
            throw new IllegalArgumentException("rtspTransport must be tcp or udp: " + rtspTransport);
        }
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
                Duration.ofSeconds(30),
                ReconnectPolicy.defaults(),
                "tcp",
                "longwatch-ingest",
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                KafkaClientProperties.none());
    }

    public IngestSettings withInstanceId(String id) {
        return new IngestSettings(
                bootstrapServers, id, jpegMaxWidth, jpegQuality, defaultSampleFps, allowedRoots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout, reconnect, rtspTransport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withAllowedRoots(List<Path> roots) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps, roots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout, reconnect, rtspTransport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withJpeg(int maxWidth, float quality) {
        return new IngestSettings(
                bootstrapServers, instanceId, maxWidth, quality, defaultSampleFps, allowedRoots,
                pollTimeout, startTimeout, networkTimeout, statusInterval, maxConcurrentStreams,
                shutdownTimeout, reconnect, rtspTransport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withMaxConcurrentStreams(int n) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval, n,
                shutdownTimeout, reconnect, rtspTransport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withReconnect(ReconnectPolicy policy) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval,
                maxConcurrentStreams, shutdownTimeout, policy, rtspTransport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withRtspTransport(String transport) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval,
                maxConcurrentStreams, shutdownTimeout, reconnect, transport, groupId, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    public IngestSettings withGroupId(String group) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval,
                maxConcurrentStreams, shutdownTimeout, reconnect, rtspTransport, group, sessionTimeout, heartbeatInterval, kafkaClient);
    }

    /** Group membership timing: how fast the streams of a dead instance move (see the record doc). */
    public IngestSettings withGroupTimeouts(Duration session, Duration heartbeat) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval,
                maxConcurrentStreams, shutdownTimeout, reconnect, rtspTransport, groupId,
                session, heartbeat, kafkaClient);
    }

    /** These settings with {@code kafkaClient} for every Kafka client. */
    public IngestSettings withKafkaClient(KafkaClientProperties properties) {
        return new IngestSettings(
                bootstrapServers, instanceId, jpegMaxWidth, jpegQuality, defaultSampleFps,
                allowedRoots, pollTimeout, startTimeout, networkTimeout, statusInterval,
                maxConcurrentStreams, shutdownTimeout, reconnect, rtspTransport, groupId,
                sessionTimeout, heartbeatInterval, properties);
    }

    /**
     * A new, mutable client configuration holding the bootstrap servers and {@link #kafkaClient};
     * each client puts its own settings on top.
     */
    public Map<String, Object> kafkaConnection() {
        return kafkaClient.clientConfig(bootstrapServers);
    }

    /**
     * The settings of an ingest process from its environment; every variable is optional and
     * falls back to {@link #defaults}:
     *
     * <table>
     *   <caption>Environment variables</caption>
     *   <tr><th>variable</th><th>default</th></tr>
     *   <tr><td>{@code LONGWATCH_BOOTSTRAP_SERVERS}</td><td>{@code localhost:9092}</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_INSTANCE_ID}</td><td>{@code ingest-<host>}</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_GROUP}</td><td>{@code longwatch-ingest}</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_ALLOWED_ROOTS}</td><td>empty = any local file; directories
     *       separated by {@code :} (set it whenever URIs come from untrusted users)</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_MAX_STREAMS}</td><td>8</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_JPEG_MAX_WIDTH} / {@code LONGWATCH_INGEST_JPEG_QUALITY}</td><td>640 / 0.85</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_RTSP_TRANSPORT}</td><td>{@code tcp}</td></tr>
     *   <tr><td>{@code LONGWATCH_KAFKA_*}</td><td>none: Kafka client settings, e.g. SASL and TLS
     *       ({@link KafkaClientProperties#fromEnvironment})</td></tr>
     * </table>
     *
     * @throws IllegalArgumentException naming the variable whose value is malformed
     */
    public static IngestSettings fromEnvironment(Map<String, String> env) {
        IngestSettings defaults = defaults(env.getOrDefault("LONGWATCH_BOOTSTRAP_SERVERS", "localhost:9092"));
        List<Path> roots = new ArrayList<>();
        for (String root : env.getOrDefault("LONGWATCH_INGEST_ALLOWED_ROOTS", "").split(":")) {
            if (!root.isBlank()) {
                roots.add(Path.of(root.strip()));
            }
        }
        return new IngestSettings(
                defaults.bootstrapServers(),
                env.getOrDefault("LONGWATCH_INGEST_INSTANCE_ID", defaults.instanceId()),
                number(env, "LONGWATCH_INGEST_JPEG_MAX_WIDTH", defaults.jpegMaxWidth()).intValue(),
                number(env, "LONGWATCH_INGEST_JPEG_QUALITY", defaults.jpegQuality()).floatValue(),
                defaults.defaultSampleFps(),
                roots,
                defaults.pollTimeout(),
                defaults.startTimeout(),
                defaults.networkTimeout(),
                defaults.statusInterval(),
                number(env, "LONGWATCH_INGEST_MAX_STREAMS", defaults.maxConcurrentStreams()).intValue(),
                defaults.shutdownTimeout(),
                defaults.reconnect(),
                env.getOrDefault("LONGWATCH_INGEST_RTSP_TRANSPORT", defaults.rtspTransport()),
                env.getOrDefault("LONGWATCH_INGEST_GROUP", defaults.groupId()),
                defaults.sessionTimeout(),
                defaults.heartbeatInterval(),
                KafkaClientProperties.fromEnvironment(env));
    }

    private static Number number(Map<String, String> env, String name, Number fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return fallback instanceof Integer ? (Number) Integer.parseInt(value.strip()) : (Number) Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
        }
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
