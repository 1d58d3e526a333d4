package dev.longwatch.query.config;

import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the query service needs to run.
 *
 * <table>
 *   <caption>Environment variables read by {@link #fromEnv()}</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@value #ENV_BOOTSTRAP}</td><td>{@value #DEFAULT_BOOTSTRAP}</td></tr>
 *   <tr><td>{@value #ENV_HOST}</td><td>{@value #DEFAULT_HOST}; without tokens only a loopback
 *       address is allowed</td></tr>
 *   <tr><td>{@value ApiTokens#ENV}</td><td>unset = open API on loopback; else
 *       {@code tokenA=cam-*,lobby;tokenB=*}: bearer tokens and the streams they may see</td></tr>
 *   <tr><td>{@value #ENV_API_TOKENS_FILE}</td><td>unset; a file holding the {@value ApiTokens#ENV}
 *       value (better for secrets than the environment); both set is an error</td></tr>
 *   <tr><td>{@value AllowedHosts#ENV}</td><td>unset; comma-separated extra host names
 *       ({@code name} or {@code name:port}) an open API answers to, besides its bind address,
 *       {@code localhost}, {@code 127.0.0.1} and {@code [::1]}</td></tr>
 *   <tr><td>{@value #ENV_PORT}</td><td>{@value #DEFAULT_PORT}; 0 picks any free port</td></tr>
 *   <tr><td>{@value #ENV_STATE_DIR}</td><td>{@code ${java.io.tmpdir}/longwatch-query}: RocksDB
 *       stores; they are rebuilt from Kafka if lost</td></tr>
 *   <tr><td>{@value #ENV_APPLICATION_ID}</td><td>{@value #DEFAULT_APPLICATION_ID}: the Kafka
 *       Streams application id (consumer group, changelog topic prefix)</td></tr>
 * </table>
 *
 * plus the {@link LlmSettings}, {@link PeerSettings}, {@link KeyframeRetention} and {@link
 * TenantLimits} variables, and the Kafka client settings {@code LONGWATCH_KAFKA_*} ({@link
 * KafkaClientProperties}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param bindHost interface the HTTP server listens on
 * @param port HTTP port; 0 = any free port (see {@code QueryService.port()})
 * @param stateDir Kafka Streams state directory
 * @param applicationId Kafka Streams application id
 * @param llm the language model behind {@code ask}
 * @param tokens bearer tokens and their streams; none = open API (loopback only)
 * @param peers how instances of one application id reach each other (forwarding to the owner)
 * @param keyframes how long unreferenced keyframes are kept
 * @param allowedHosts extra host names an open API answers to (see {@link AllowedHosts})
 * @param limits what one tenant may hold at once
 * @param kafkaClient security and other settings for every Kafka client (both Streams apps, the
 *     producers, the answer feed); default none
 */
public record QueryServiceSettings(
        String bootstrapServers,
        String bindHost,
        int port,
        Path stateDir,
        String applicationId,
        LlmSettings llm,
        ApiTokens tokens,
        PeerSettings peers,
        KeyframeRetention keyframes,
        List<String> allowedHosts,
        TenantLimits limits,
        KafkaClientProperties kafkaClient) {
    public static final String ENV_BOOTSTRAP = "LONGWATCH_BOOTSTRAP_SERVERS";
    public static final String ENV_HOST = "LONGWATCH_HTTP_HOST";
    public static final String ENV_PORT = "LONGWATCH_HTTP_PORT";
    public static final String ENV_STATE_DIR = "LONGWATCH_QUERY_STATE_DIR";
    public static final String ENV_APPLICATION_ID = "LONGWATCH_QUERY_APPLICATION_ID";
    public static final String ENV_API_TOKENS_FILE = "LONGWATCH_API_TOKENS_FILE";

    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_APPLICATION_ID = "longwatch-query";

    public QueryServiceSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("bindHost must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(stateDir, "stateDir");
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        Objects.requireNonNull(llm, "llm");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(keyframes, "keyframes");
        allowedHosts = List.copyOf(allowedHosts);
        AllowedHosts.of(bindHost, allowedHosts); // fails now on an entry that is not a host
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(kafkaClient, "kafkaClient");
    }

    /** Settings with the default peer and keyframe settings. */
    public QueryServiceSettings(
            String bootstrapServers,
            String bindHost,
            int port,
            Path stateDir,
            String applicationId,
            LlmSettings llm,
            ApiTokens tokens) {
        this(bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens,
                PeerSettings.defaults(llm), KeyframeRetention.DEFAULT, List.of(), TenantLimits.DEFAULT,
                KafkaClientProperties.none());
    }

    /** Settings of an open API (no tokens). */
    public QueryServiceSettings(
            String bootstrapServers, String bindHost, int port, Path stateDir, String applicationId, LlmSettings llm) {
        this(bootstrapServers, bindHost, port, stateDir, applicationId, llm, ApiTokens.none());
    }

    /** Defaults for everything but Kafka: loopback, port 8080, temp state dir, no LLM. */
    public static QueryServiceSettings defaults(String bootstrapServers) {
        return new QueryServiceSettings(
                bootstrapServers,
                DEFAULT_HOST,
                DEFAULT_PORT,
                defaultStateDir(),
                DEFAULT_APPLICATION_ID,
                LlmSettings.none());
    }

    public static QueryServiceSettings fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Reads the given environment; unset or blank variables take their defaults. */
    public static QueryServiceSettings fromEnv(Map<String, String> env) {
        LlmSettings llm = LlmSettings.fromEnv(env);
        return new QueryServiceSettings(
                value(env, ENV_BOOTSTRAP).orElse(DEFAULT_BOOTSTRAP),
                value(env, ENV_HOST).orElse(DEFAULT_HOST),
                value(env, ENV_PORT).map(QueryServiceSettings::parsePort).orElse(DEFAULT_PORT),
                value(env, ENV_STATE_DIR).map(Path::of).orElse(defaultStateDir()),
                value(env, ENV_APPLICATION_ID).orElse(DEFAULT_APPLICATION_ID),
                llm,
                ApiTokens.parse(ApiTokenSources.read(env.get(ApiTokens.ENV), value(env, ENV_API_TOKENS_FILE))),
                PeerSettings.fromEnv(env, llm),
                KeyframeRetention.fromEnv(env),
                AllowedHosts.parseList(env.get(AllowedHosts.ENV)),
                TenantLimits.fromEnv(env),
                KafkaClientProperties.fromEnvironment(env));
    }

    public QueryServiceSettings withBootstrapServers(String newBootstrapServers) {
        return new QueryServiceSettings(
                newBootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, peers, keyframes,
                allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withPort(int newPort) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, newPort, stateDir, applicationId, llm, tokens, peers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withStateDir(Path newStateDir) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, newStateDir, applicationId, llm, tokens, peers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withLlm(LlmSettings newLlm) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, newLlm, tokens,
                // A forward timeout derived from the old model's timeout follows the new model.
                peers.equals(PeerSettings.defaults(llm)) ? PeerSettings.defaults(newLlm) : peers,
                keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withTokens(ApiTokens newTokens) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, newTokens, peers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withBindHost(String newBindHost) {
        return new QueryServiceSettings(
                bootstrapServers, newBindHost, port, stateDir, applicationId, llm, tokens, peers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withApplicationId(String newApplicationId) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, newApplicationId, llm, tokens, peers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withPeers(PeerSettings newPeers) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, newPeers, keyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withKeyframes(KeyframeRetention newKeyframes) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, peers, newKeyframes, allowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withAllowedHosts(List<String> newAllowedHosts) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, peers, keyframes,
                newAllowedHosts, limits, kafkaClient);
    }

    public QueryServiceSettings withLimits(TenantLimits newLimits) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, peers, keyframes,
                allowedHosts, newLimits, kafkaClient);
    }

    public QueryServiceSettings withKafkaClient(KafkaClientProperties newKafkaClient) {
        return new QueryServiceSettings(
                bootstrapServers, bindHost, port, stateDir, applicationId, llm, tokens, peers, keyframes,
                allowedHosts, limits, newKafkaClient);
    }

    /**
     * A new, mutable client configuration holding the bootstrap servers and {@link #kafkaClient};
     * each client puts its own settings on top.
     */
    public Map<String, Object> kafkaConnection() {
        return kafkaClient.clientConfig(bootstrapServers);
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "longwatch-query");
    }

    private static Optional<String> value(Map<String, String> env, String key) {
        return Optional.ofNullable(env.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV_PORT + " must be an integer, got '" + value + "'", e);
        }
    }
}
