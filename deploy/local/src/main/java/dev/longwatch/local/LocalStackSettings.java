package dev.longwatch.local;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.query.config.LlmSettings;
import java.nio.file.Path;
import java.util.List;

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
 * @param sources what a stream's URI may reach: media roots (default the working directory and
 *     {@code <dataDir>/media}; {@code --media-root}), outbound networks ({@code --allow-network},
 *     {@code --deny-network}; default the built-in rules), the pixel limit (default 8K)
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
        SourceSafety sources) {

    /** With the default sources for {@code dataDir} ({@link #defaultSources}). */
    public LocalStackSettings(
            Path dataDir, String externalBootstrap, int httpPort, int partitions, int slots,
            long checkpointIntervalMs, LlmSettings llm, EncoderConfig encoder, int metricsPort) {
        this(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort,
                defaultSources(dataDir));
    }

    public static LocalStackSettings defaults(Path dataDir) {
        return new LocalStackSettings(dataDir, null, 8080, 4, 20, 1000, LlmSettings.fromEnv(), EncoderConfig.builtin(8), 0);
    }

    /**
     * Local files from the directory the stack was started in and {@code <dataDir>/media}; the
     * built-in outbound rules; the 8K pixel limit.
     */
    public static SourceSafety defaultSources(Path dataDir) {
        return SourceSafety.defaults()
                .withMediaRoots(List.of(Path.of("").toAbsolutePath(), dataDir.toAbsolutePath().resolve("media")));
    }

    public LocalStackSettings withSources(SourceSafety safety) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, safety);
    }

    /** Local files under these directories only (replacing the defaults). */
    public LocalStackSettings withMediaRoots(List<Path> roots) {
        return withSources(sources.withMediaRoots(roots));
    }

    public LocalStackSettings withHttpPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, port, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, sources);
    }

    public LocalStackSettings withExternalBootstrap(String bootstrap) {
        return new LocalStackSettings(dataDir, bootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, metricsPort, sources);
    }

    public LocalStackSettings withSlots(int bankSlots) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, bankSlots, checkpointIntervalMs, llm, encoder, metricsPort, sources);
    }

    public LocalStackSettings withEncoder(EncoderConfig config) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, config, metricsPort, sources);
    }

    public LocalStackSettings withLlm(LlmSettings model) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, model, encoder, metricsPort, sources);
    }

    public LocalStackSettings withMetricsPort(int port) {
        return new LocalStackSettings(dataDir, externalBootstrap, httpPort, partitions, slots, checkpointIntervalMs, llm, encoder, port, sources);
    }
}
