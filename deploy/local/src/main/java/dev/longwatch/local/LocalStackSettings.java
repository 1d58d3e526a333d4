package dev.longwatch.local;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.schema.KafkaClientProperties;
import java.nio.file.Path;
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
        Map<String, String> environment) {

    public LocalStackSettings {
        environment = Map.copyOf(environment);
        if (externalBootstrap == null && !kafkaClient.isEmpty()) {
            throw new IllegalArgumentException("Kafka client settings (" + KafkaClientProperties.ENV_PREFIX
                    + "*) are for an external cluster (--kafka); the embedded broker takes plaintext on loopback only");
        }
    }

    /** Settings with no Kafka client settings (plaintext, as the embedded broker takes). */
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
                KafkaClientProperties.none(), Map.of());
    }

    public static LocalStackSettings defaults(Path dataDir) {
        return new LocalStackSettings(dataDir, null, 8080, 4, 20, 1000, LlmSettings.fromEnv(), EncoderConfig.builtin(8), 0, KafkaClientProperties.none(), Map.of());
    }

    public LocalStackSettings withHttpPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, port, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment);
    }

    public LocalStackSettings withExternalBootstrap(String bootstrap) {
        return new LocalStackSettings(dataDir, bootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment);
    }

    public LocalStackSettings withSlots(int bankSlots) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, bankSlots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, environment);
    }

    public LocalStackSettings withEncoder(EncoderConfig config) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, config, metricsPort, kafkaClient, environment);
    }

    public LocalStackSettings withLlm(LlmSettings model) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, model, encoder, metricsPort, kafkaClient, environment);
    }

    public LocalStackSettings withMetricsPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, port, kafkaClient, environment);
    }

    public LocalStackSettings withKafkaClient(KafkaClientProperties properties) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, properties, environment);
    }

    /** These settings with {@code variables} as the services' environment (see {@link #environment}). */
    public LocalStackSettings withEnvironment(Map<String, String> variables) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, kafkaClient, variables);
    }
}
