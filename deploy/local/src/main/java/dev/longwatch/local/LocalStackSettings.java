package dev.longwatch.local;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the all-in-one stack.
 *
 * @param dataDir where Kafka logs, Flink checkpoints and Kafka Streams state live; default
 *     {@code .longwatch/} in the working directory for {@code up}, a temporary directory for
 *     {@code demo}
 * @param externalBootstrap an existing Kafka cluster to use instead of the embedded broker;
 *     default none (null)
 * @param httpPort port of the query service; 0 picks a free one; default 8080 for {@code up}, 0
 *     for {@code demo}
 * @param partitions partitions of each topic when the stack creates them; default 4
 * @param slots memory bank capacity M per stream; default 20
 * @param checkpointIntervalMs Flink checkpoint interval, which is also how long the memory job's
 *     transactional output waits before it is visible; default 1000
 * @param llm the language model; default from the environment ({@link LlmSettings#fromEnv()})
 * @param encoder the vision encoder; default the built-in one with an 8 × 8 patch grid
 * @param metricsPort port of {@code /healthz} and {@code /metrics} for the ingest and encoder
 *     meters (the query service serves its own on {@code httpPort}); 0 picks a free one; default
 *     9400 for {@code up}, 0 otherwise
 * @param kafkaClient client settings (SASL, TLS) of every service's Kafka clients; only with an
 *     {@code externalBootstrap} (the embedded broker is plaintext on loopback); default none
 * @param environment the variables the stack's ingest, encoder worker and query service read as
 *     their own processes would ({@link ServiceEnvironment} says which and how {@code up} treats
 *     each); default none, so every service runs on its defaults; {@code up} and {@code demo} pass
 *     the process environment
 * @param sources what a stream's URI may reach: media roots (default the working directory and
 *     {@code <dataDir>/media}; {@code --media-root}), outbound networks ({@code --allow-network},
 *     {@code --deny-network}; default the built-in rules), the pixel limit (default 8K); these
 *     stand for the media-root, network and pixel variables of {@code environment}, which {@code
 *     up} folds in with its flags ({@link #upSources})
 */
public record LocalStackSettings(
        Path dataDir,
        String externalBootstrap,
        int httpPort,
        int partitions,
        int slots,
        long checkpointIntervalMs,
        LlmSettings llm,
        EncoderConfig encoder,
        int metricsPort,
        KafkaClientProperties kafkaClient,
        Map<String, String> environment,
        SourceSafety sources) {

    public LocalStackSettings {
        environment = Map.copyOf(environment);
        if (externalBootstrap == null && !kafkaClient.isEmpty()) {
            throw new IllegalArgumentException("Kafka client settings (" + KafkaClientProperties.ENV_PREFIX
                    + "*) are for an external cluster (--kafka); the embedded broker takes plaintext on loopback only");
        }
    }

    /** Settings with no Kafka client settings (plaintext, as the embedded broker takes) and the default sources. */
    public LocalStackSettings(
            Path dataDir,
            String externalBootstrap,
            int httpPort,
            int partitions,
            int slots,
            long checkpointIntervalMs,
            LlmSettings llm,
            EncoderConfig encoder,
            int metricsPort) {
        this(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort,
                KafkaClientProperties.none(), Map.of(), defaultSources(dataDir));
    }

    public static LocalStackSettings defaults(Path dataDir) {
        return new LocalStackSettings(dataDir, null, 8080, 4, 20, 1000, LlmSettings.fromEnv(), EncoderConfig.builtin(8), 0, KafkaClientProperties.none(), Map.of(),
                defaultSources(dataDir));
    }

    /**
     * Local files from the directory the stack was started in and {@code <dataDir>/media}; the
     * built-in outbound rules; the 8K pixel limit.
     */
    public static SourceSafety defaultSources(Path dataDir) {
        return SourceSafety.defaults()
                .withMediaRoots(List.of(Path.of("").toAbsolutePath(), dataDir.toAbsolutePath().resolve("media")));
    }

    /**
     * The sources of {@code up}: its flags where given, else the ingest service's own variables
     * ({@code LONGWATCH_MEDIA_ROOTS}, {@code LONGWATCH_ALLOW_NETWORKS}, {@code
     * LONGWATCH_DENY_NETWORKS}, {@code LONGWATCH_INGEST_MAX_PIXELS}) where set, else {@link
     * #defaultSources}. Networks from flags and variables add up: an operator's deny list in the
     * environment is never dropped by a flag.
     *
     * @param mediaRoots {@code --media-root}s; empty = not given
     * @param maxPixels {@code --max-pixels}, or null when not given
     * @throws IllegalArgumentException naming the flag or variable whose value is malformed
     */
    public static SourceSafety upSources(
            Path dataDir, Map<String, String> env, List<Path> mediaRoots, List<String> allowNetworks,
            List<String> denyNetworks, Long maxPixels) {
        SourceSafety service = IngestSettings.fromEnvironment(env).safety();
        List<Path> roots = !mediaRoots.isEmpty() ? mediaRoots
                : !service.mediaRoots().isEmpty() ? service.mediaRoots()
                : defaultSources(dataDir).mediaRoots();
        return service.withMediaRoots(roots)
                .withNetworks(
                        concat(service.allowNetworks(), OutboundRules.networks(String.join(",", allowNetworks), "--allow-network")),
                        concat(service.denyNetworks(), OutboundRules.networks(String.join(",", denyNetworks), "--deny-network")))
                .withMaxPixels(maxPixels != null ? maxPixels : service.maxPixels());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    public LocalStackSettings withSources(SourceSafety safety) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment, safety);
    }

    /** Local files under these directories only (replacing the defaults). */
    public LocalStackSettings withMediaRoots(List<Path> roots) {
        return withSources(sources.withMediaRoots(roots));
    }

    public LocalStackSettings withHttpPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, port, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment, sources);
    }

    public LocalStackSettings withExternalBootstrap(String bootstrap) {
        return new LocalStackSettings(dataDir, bootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment, sources);
    }

    public LocalStackSettings withSlots(int bankSlots) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, bankSlots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment, sources);
    }

    public LocalStackSettings withEncoder(EncoderConfig config) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, config, metricsPort, kafkaClient, environment, sources);
    }

    public LocalStackSettings withLlm(LlmSettings model) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, model, encoder, metricsPort, kafkaClient, environment, sources);
    }

    public LocalStackSettings withMetricsPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, port, kafkaClient, environment, sources);
    }

    public LocalStackSettings withKafkaClient(KafkaClientProperties properties) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, properties, environment, sources);
    }

    /** These settings with {@code variables} as the services' environment (see {@link #environment}). */
    public LocalStackSettings withEnvironment(Map<String, String> variables) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, variables, sources);
    }
}
