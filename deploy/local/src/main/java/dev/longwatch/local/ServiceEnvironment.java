package dev.longwatch.local;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderSettings;
import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.KeyframeRetention;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.config.TenantLimits;
import dev.longwatch.schema.KafkaClientProperties;
import java.util.List;
import java.util.function.Supplier;

/**
 * How {@code ./longwatch up} (and {@code demo}) treats each environment variable the separate
 * services read: most are honoured exactly as the service's own process honours them, a few are
 * set by a flag of {@code up}, and a few do not apply to one JVM, each with its reason. The
 * defaults shown are read from the services' own settings classes, which stay the one place they
 * live. {@code ServiceEnvironmentTest} fails when a service reads a variable this list lacks.
 */
final class ServiceEnvironment {
    static final String HONOURED = "honoured, as by the separate service";

    /**
     * @param name the variable, or a prefix ending in {@code *}
     * @param inUp what {@code up} does with it
     * @param defaultValue its default, read from the service's settings
     */
    record Variable(String name, String inUp, Supplier<Object> defaultValue) {}

    private static final IngestSettings INGEST = IngestSettings.defaults("");
    private static final EncoderSettings ENCODER = EncoderSettings.defaults("");
    private static final EncoderConfig ENCODER_MODEL = EncoderConfig.builtin(ENCODER.grid());

    static final List<Variable> ALL = List.of(
            new Variable("LONGWATCH_BOOTSTRAP_SERVERS", "--kafka", () -> "the embedded broker"),
            new Variable(KafkaClientProperties.ENV_PREFIX + "*", "honoured with --kafka; refused without (the embedded broker is plaintext)", () -> "none"),
            // ingest
            new Variable("LONGWATCH_MEDIA_ROOTS",
                    "honoured unless --media-root is given; unset, up reads its working directory and <data-dir>/media",
                    () -> "no local file"),
            new Variable("LONGWATCH_INGEST_ALLOWED_ROOTS", "the old name of LONGWATCH_MEDIA_ROOTS, honoured alike",
                    () -> "none"),
            new Variable("LONGWATCH_ALLOW_NETWORKS", HONOURED + ", with --allow-network added", () -> "none"),
            new Variable("LONGWATCH_DENY_NETWORKS", HONOURED + ", with --deny-network added", () -> "none"),
            new Variable("LONGWATCH_INGEST_MAX_PIXELS", "honoured unless --max-pixels is given",
                    () -> INGEST.safety().maxPixels()),
            new Variable("LONGWATCH_INGEST_MAX_STREAMS", HONOURED, INGEST::maxConcurrentStreams),
            new Variable("LONGWATCH_INGEST_MAX_NETWORK_STREAMS", HONOURED, INGEST::maxNetworkStreams),
            new Variable("LONGWATCH_INGEST_MAX_UNFINISHED_ATTEMPTS", HONOURED, INGEST::maxUnfinishedAttempts),
            new Variable("LONGWATCH_INGEST_JPEG_MAX_WIDTH", HONOURED, INGEST::jpegMaxWidth),
            new Variable("LONGWATCH_INGEST_JPEG_QUALITY", HONOURED, INGEST::jpegQuality),
            new Variable("LONGWATCH_INGEST_RTSP_TRANSPORT", HONOURED, INGEST::rtspTransport),
            new Variable("LONGWATCH_INGEST_GROUP", HONOURED, INGEST::groupId),
            new Variable("LONGWATCH_INGEST_INSTANCE_ID", HONOURED, () -> "ingest-<host>"),
            // encoder worker
            new Variable("LONGWATCH_ENCODER_GROUP", HONOURED, ENCODER::groupId),
            new Variable("LONGWATCH_ENCODER_TRANSACTIONAL_ID", HONOURED + " (one worker: a fixed default)",
                    () -> "longwatch-encoder-0"),
            new Variable("LONGWATCH_ENCODER_MAX_BATCH", HONOURED + " (frames per poll and per model call)",
                    () -> ENCODER.maxBatch() + " per poll, " + ENCODER_MODEL.maxBatch() + " per model call"),
            new Variable("LONGWATCH_ENCODER_MAX_BATCH_DELAY_MS", HONOURED, () -> ENCODER.maxBatchDelay().toMillis()),
            new Variable("LONGWATCH_ENCODER_GRID", HONOURED, ENCODER::grid),
            new Variable("LONGWATCH_ENCODER_BACKEND", HONOURED + "; --encoder replaces it", () -> ENCODER_MODEL.backend()),
            new Variable("LONGWATCH_ENCODER_MODEL", HONOURED + "; --model replaces it", () -> "none"),
            new Variable("LONGWATCH_ENCODER_OUTPUT", HONOURED, () -> "the model's pooled feature map"),
            new Variable("LONGWATCH_ENCODER_PREPROCESS", HONOURED, () -> ENCODER_MODEL.preprocess().name()),
            new Variable("LONGWATCH_ENCODER_INPUT_SIZE", HONOURED, () -> ENCODER_MODEL.preprocess().cropWidth()),
            new Variable("LONGWATCH_ENCODER_POOL", HONOURED, ENCODER_MODEL::poolKernel),
            new Variable("LONGWATCH_ENCODER_DROP_CLS", HONOURED, ENCODER_MODEL::dropCls),
            new Variable("LONGWATCH_ENCODER_ENGINE", HONOURED, () -> "built from the model"),
            new Variable("LONGWATCH_MODEL_CACHE", HONOURED, ENCODER_MODEL::cacheDir),
            // query service
            new Variable(ApiTokens.ENV, "--api-tokens (default from this variable)", () -> "none: an open API, loopback only"),
            new Variable(QueryServiceSettings.ENV_API_TOKENS_FILE, "--api-tokens-file (default from this variable)",
                    () -> "none"),
            new Variable(QueryServiceSettings.ENV_HOST, "--host (default from this variable; without tokens, loopback only)",
                    () -> QueryServiceSettings.DEFAULT_HOST),
            new Variable(QueryServiceSettings.ENV_PORT, "--port (default from this variable)", () -> QueryServiceSettings.DEFAULT_PORT),
            new Variable(AllowedHosts.ENV, "--allowed-host (default from this variable)", () -> "none"),
            new Variable(TenantLimits.ENV_STREAMS, "--max-streams (default from this variable)", () -> TenantLimits.DEFAULT_STREAMS),
            new Variable(TenantLimits.ENV_SUBSCRIPTIONS, "--max-subscriptions (default from this variable)",
                    () -> TenantLimits.DEFAULT_SUBSCRIPTIONS),
            new Variable(TenantLimits.ENV_EVENT_STREAMS, "--max-event-streams (default from this variable)",
                    () -> TenantLimits.DEFAULT_EVENT_STREAMS),
            new Variable(TenantLimits.ENV_ASKS, "--max-asks (default from this variable)", () -> TenantLimits.DEFAULT_ASKS),
            new Variable(QueryServiceSettings.ENV_STATE_DIR, "<data-dir>/query-state (--data-dir)", () -> ".longwatch/query-state"),
            new Variable(QueryServiceSettings.ENV_APPLICATION_ID, HONOURED, () -> QueryServiceSettings.DEFAULT_APPLICATION_ID),
            new Variable(PeerSettings.ENV_ADVERTISED_HOST, HONOURED + " (matters with several instances only)",
                    () -> "the HTTP bind host"),
            new Variable(PeerSettings.ENV_FORWARD_TIMEOUT_S, HONOURED + " (matters with several instances only)",
                    () -> PeerSettings.defaults(LlmSettings.none()).forwardTimeout().toSeconds()),
            new Variable(PeerSettings.ENV_PEER_TOKEN, HONOURED + " (matters with several instances only)", () -> "none"),
            new Variable(KeyframeRetention.ENV_GRACE_S, HONOURED, () -> KeyframeRetention.DEFAULT.grace().toSeconds()),
            new Variable(KeyframeRetention.ENV_SWEEP_S, HONOURED, () -> KeyframeRetention.DEFAULT.sweepInterval().toSeconds()),
            new Variable(LlmSettings.ENV_URL, HONOURED, () -> "none: evidence-only answers"),
            new Variable(LlmSettings.ENV_MODEL, HONOURED, () -> LlmSettings.DEFAULT_MODEL),
            new Variable(LlmSettings.ENV_API_KEY, HONOURED, () -> LlmSettings.DEFAULT_API_KEY),
            new Variable(LlmSettings.ENV_TIMEOUT_S, HONOURED, () -> LlmSettings.DEFAULT_TIMEOUT.toSeconds()),
            new Variable(LlmSettings.ENV_MAX_RETRIES, HONOURED, () -> LlmSettings.DEFAULT_MAX_RETRIES),
            new Variable(LlmSettings.ENV_MAX_CONCURRENT, HONOURED, () -> LlmSettings.DEFAULT_MAX_CONCURRENT),
            // the ingest and encoder processes' /healthz and /metrics
            new Variable("LONGWATCH_METRICS_PORT", "--metrics-port", () -> 9400),
            new Variable("LONGWATCH_METRICS_HOST", "not used: the stack's own ports stay on loopback (README, Security)",
                    () -> "127.0.0.1"),
            // the client side of the API
            new Variable("LONGWATCH_API_TOKEN",
                    "sent as the bearer token by the client commands and up --source (which otherwise uses a configured token that may see the stream)",
                    () -> "none"));

    private ServiceEnvironment() {}

    /** The list as the help of {@code up} and {@code demo} prints it (picocli's footer format). */
    static String help() {
        StringBuilder text = new StringBuilder("%nEnvironment: the separate services' settings, and what up does with each:%n");
        for (Variable variable : ALL) {
            String line = String.format("  %s (default: %s)%n      %s",
                    variable.name(), variable.defaultValue().get(), variable.inUp());
            // Picocli formats help sections: a literal % must be doubled.
            text.append(line.replace("%", "%%")).append("%n");
        }
        return text.toString();
    }
}
