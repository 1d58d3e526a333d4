package dev.longwatch.ingest.config;

import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.longwatch.net.OutboundRules;

/**
 * Configuration of an ingest instance. Use {@link #defaults(String)} and the {@code with...}
 * methods; every default is listed on its component.
 *
 * @param bootstrapServers Kafka bootstrap servers, required
 * @param instanceId names this instance in statuses and Kafka client ids; default {@code ingest-<host>}
 * @param jpegMaxWidth frames wider than this are scaled down before JPEG encoding; default 640
 * @param jpegQuality JPEG quality in (0, 1]; default 0.85
 * @param defaultSampleFps used when a StreamSpec leaves sample_fps at 0; default 1.0
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
 * @param safety what sources may read: media roots (default none: no local file), outbound
 *     network rules (default the built-in ones), pixel limit (default 8K); see {@link SourceSafety}
 * @param maxNetworkStreams worker threads for network sources (RTSP, HTTP), separate from the
 *     {@code maxConcurrentStreams} threads for local files, so files never queue behind cameras;
 *     a camera waiting to reconnect holds no thread; default 64
 * @param maxUnfinishedAttempts a stream whose runs ended this many times in a row without
 *     finishing and without a new frame (the process died in the decoder, or ran out of memory)
 *     is marked FAILED instead of being started again; default 3
 * @param kafkaClient security and other settings for every Kafka client of the instance ({@code
 *     LONGWATCH_KAFKA_*}, see {@link KafkaClientProperties}); default none
 */
public record IngestSettings(
        String bootstrapServers,
        String instanceId,
        int jpegMaxWidth,
        float jpegQuality,
        double defaultSampleFps,
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
        SourceSafety safety,
        int maxNetworkStreams,
        int maxUnfinishedAttempts,
        KafkaClientProperties kafkaClient) {

    public IngestSettings {
        Objects.requireNonNull(kafkaClient, "kafkaClient");
        Objects.requireNonNull(safety, "safety");
        if (maxNetworkStreams <= 0) {
            throw new IllegalArgumentException("maxNetworkStreams must be > 0: " + maxNetworkStreams);
        }
        if (maxUnfinishedAttempts <= 0) {
            throw new IllegalArgumentException("maxUnfinishedAttempts must be > 0: " + maxUnfinishedAttempts);
        }
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
                SourceSafety.defaults(),
                64,
                3,
                KafkaClientProperties.none());
    }

    public IngestSettings withInstanceId(String id) {
        return builder().instanceId(id).build();
    }

    /** Local files under these directories only (empty: no local file). */
    public IngestSettings withMediaRoots(List<Path> roots) {
        return withSafety(safety.withMediaRoots(roots));
    }

    public IngestSettings withSafety(SourceSafety value) {
        return builder().safety(value).build();
    }

    public IngestSettings withJpeg(int maxWidth, float quality) {
        return builder().jpeg(maxWidth, quality).build();
    }

    public IngestSettings withMaxConcurrentStreams(int n) {
        return builder().maxConcurrentStreams(n).build();
    }

    public IngestSettings withMaxNetworkStreams(int n) {
        return builder().maxNetworkStreams(n).build();
    }

    public IngestSettings withMaxUnfinishedAttempts(int n) {
        return builder().maxUnfinishedAttempts(n).build();
    }

    public IngestSettings withReconnect(ReconnectPolicy policy) {
        return builder().reconnect(policy).build();
    }

    public IngestSettings withNetworkTimeout(Duration timeout) {
        return builder().networkTimeout(timeout).build();
    }

    public IngestSettings withRtspTransport(String transport) {
        return builder().rtspTransport(transport).build();
    }

    public IngestSettings withGroupId(String group) {
        return builder().groupId(group).build();
    }

    /** Group membership timing: how fast the streams of a dead instance move (see the record doc). */
    public IngestSettings withGroupTimeouts(Duration session, Duration heartbeat) {
        return builder().groupTimeouts(session, heartbeat).build();
    }

    /** These settings with {@code kafkaClient} for every Kafka client. */
    public IngestSettings withKafkaClient(KafkaClientProperties properties) {
        return builder().kafkaClient(properties).build();
    }

    /**
     * A new, mutable client configuration holding the bootstrap servers and {@link #kafkaClient};
     * each client puts its own settings on top.
     */
    public Map<String, Object> kafkaConnection() {
        return kafkaClient.clientConfig(bootstrapServers);
    }

    private Builder builder() {
        return new Builder(this);
    }

    /** Copies every component, so each {@code with...} names only what it changes. */
    private static final class Builder {
        private final Object[] v;

        Builder(IngestSettings s) {
            v = new Object[] {s.bootstrapServers, s.instanceId, s.jpegMaxWidth, s.jpegQuality, s.defaultSampleFps,
                s.pollTimeout, s.startTimeout, s.networkTimeout, s.statusInterval, s.maxConcurrentStreams,
                s.shutdownTimeout, s.reconnect, s.rtspTransport, s.groupId, s.sessionTimeout, s.heartbeatInterval,
                s.safety, s.maxNetworkStreams, s.maxUnfinishedAttempts, s.kafkaClient};
        }

        Builder instanceId(String x) { v[1] = x; return this; }
        Builder jpeg(int w, float q) { v[2] = w; v[3] = q; return this; }
        Builder networkTimeout(Duration x) { v[7] = x; return this; }
        Builder maxConcurrentStreams(int x) { v[9] = x; return this; }
        Builder reconnect(ReconnectPolicy x) { v[11] = x; return this; }
        Builder rtspTransport(String x) { v[12] = x; return this; }
        Builder groupId(String x) { v[13] = x; return this; }
        Builder groupTimeouts(Duration session, Duration heartbeat) { v[14] = session; v[15] = heartbeat; return this; }
        Builder safety(SourceSafety x) { v[16] = x; return this; }
        Builder maxNetworkStreams(int x) { v[17] = x; return this; }
        Builder maxUnfinishedAttempts(int x) { v[18] = x; return this; }
        Builder kafkaClient(KafkaClientProperties x) { v[19] = x; return this; }

        IngestSettings build() {
            return new IngestSettings((String) v[0], (String) v[1], (Integer) v[2], (Float) v[3], (Double) v[4],
                    (Duration) v[5], (Duration) v[6], (Duration) v[7], (Duration) v[8], (Integer) v[9],
                    (Duration) v[10], (ReconnectPolicy) v[11], (String) v[12], (String) v[13], (Duration) v[14],
                    (Duration) v[15], (SourceSafety) v[16], (Integer) v[17], (Integer) v[18],
                    (KafkaClientProperties) v[19]);
        }
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
     *   <tr><td>{@code LONGWATCH_MEDIA_ROOTS} (old name {@code LONGWATCH_INGEST_ALLOWED_ROOTS})</td>
     *       <td>empty = no local file; directories separated by {@code :}</td></tr>
     *   <tr><td>{@code LONGWATCH_ALLOW_NETWORKS} / {@code LONGWATCH_DENY_NETWORKS}</td><td>empty;
     *       comma-separated CIDR networks (see {@code OutboundRules})</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_MAX_PIXELS}</td><td>33177600 (7680 × 4320)</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_MAX_STREAMS}</td><td>8 (local files at once)</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_MAX_NETWORK_STREAMS}</td><td>64 (network sources at once)</td></tr>
     *   <tr><td>{@code LONGWATCH_INGEST_MAX_UNFINISHED_ATTEMPTS}</td><td>3</td></tr>
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
        SourceSafety safety =
                new SourceSafety(
                        mediaRoots(env),
                        OutboundRules.networks(env.getOrDefault("LONGWATCH_ALLOW_NETWORKS", ""), "LONGWATCH_ALLOW_NETWORKS"),
                        OutboundRules.networks(env.getOrDefault("LONGWATCH_DENY_NETWORKS", ""), "LONGWATCH_DENY_NETWORKS"),
                        number(env, "LONGWATCH_INGEST_MAX_PIXELS", defaults.safety().maxPixels()).longValue());
        return new IngestSettings(
                defaults.bootstrapServers(),
                env.getOrDefault("LONGWATCH_INGEST_INSTANCE_ID", defaults.instanceId()),
                number(env, "LONGWATCH_INGEST_JPEG_MAX_WIDTH", defaults.jpegMaxWidth()).intValue(),
                number(env, "LONGWATCH_INGEST_JPEG_QUALITY", defaults.jpegQuality()).floatValue(),
                defaults.defaultSampleFps(),
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
                safety,
                number(env, "LONGWATCH_INGEST_MAX_NETWORK_STREAMS", defaults.maxNetworkStreams()).intValue(),
                number(env, "LONGWATCH_INGEST_MAX_UNFINISHED_ATTEMPTS", defaults.maxUnfinishedAttempts()).intValue(),
                KafkaClientProperties.fromEnvironment(env));
    }

    /**
     * {@code LONGWATCH_MEDIA_ROOTS}, or the older {@code LONGWATCH_INGEST_ALLOWED_ROOTS}; both set
     * to different values is an error rather than a guess.
     */
    private static List<Path> mediaRoots(Map<String, String> env) {
        String current = env.get("LONGWATCH_MEDIA_ROOTS");
        String old = env.get("LONGWATCH_INGEST_ALLOWED_ROOTS");
        if (current != null && old != null && !current.strip().equals(old.strip())) {
            throw new IllegalArgumentException(
                    "LONGWATCH_MEDIA_ROOTS and LONGWATCH_INGEST_ALLOWED_ROOTS (its old name) are both set, to"
                            + " different values: set LONGWATCH_MEDIA_ROOTS only");
        }
        String value = current != null ? current : old != null ? old : "";
        List<Path> roots = new ArrayList<>();
        for (String root : value.split(":")) {
            if (!root.isBlank()) {
                roots.add(Path.of(root.strip()));
            }
        }
        return roots;
    }

    private static Number number(Map<String, String> env, String name, Number fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            if (fallback instanceof Integer) {
                return Integer.parseInt(value.strip());
            }
            if (fallback instanceof Long) {
                return Long.parseLong(value.strip());
            }
            return Double.parseDouble(value.strip());
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
