package dev.longwatch.encoder;

import dev.longwatch.schema.KafkaClientProperties;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of one encoder worker.
 *
 * @param bootstrapServers Kafka bootstrap servers (no default: required)
 * @param groupId consumer group shared by all workers; default {@code longwatch-encoder}
 * @param transactionalId unique per worker instance and stable across its restarts, so a
 *     restarted worker fences its zombie; it is also the consumer's {@code group.instance.id}
 *     (static membership), so the restarted worker takes over the dead one's partitions at once
 *     instead of after the session timeout; default {@code longwatch-encoder-0}
 * @param maxBatch most frames encoded in one call; default 32
 * @param pollTimeout how long one poll waits for frames; default 200 ms
 * @param grid patches per side of the built-in encoder; default 8 (64 tokens)
 * @param maxBatchDelay how long the worker keeps polling to fill a batch of the encoder's
 *     preferred size, counted from the first frame of the batch (the latency bound of
 *     micro-batching across partitions); default 50 ms, zero encodes every poll at once
 * @param kafkaClient security and other client settings for its consumer and producer ({@code
 *     LONGWATCH_KAFKA_*}); default none
 */
public record EncoderSettings(
        String bootstrapServers,
        String groupId,
        String transactionalId,
        int maxBatch,
        Duration pollTimeout,
        int grid,
        Duration maxBatchDelay,
        KafkaClientProperties kafkaClient) {

    public EncoderSettings {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        Objects.requireNonNull(kafkaClient, "kafkaClient");
        if (maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("maxBatchDelay must not be negative, was " + maxBatchDelay);
        }
    }

    public static EncoderSettings defaults(String bootstrapServers) {
        return new EncoderSettings(
                bootstrapServers,
                "longwatch-encoder",
                "longwatch-encoder-0",
                32,
                Duration.ofMillis(200),
                8,
                Duration.ofMillis(50),
                KafkaClientProperties.none());
    }

    /** These settings with {@code properties} for the consumer and the producer. */
    public EncoderSettings withKafkaClient(KafkaClientProperties properties) {
        return new EncoderSettings(
                bootstrapServers, groupId, transactionalId, maxBatch, pollTimeout, grid, maxBatchDelay, properties);
    }

    /** Settings with no extra Kafka client settings. */
    public EncoderSettings(
            String bootstrapServers,
            String groupId,
            String transactionalId,
            int maxBatch,
            Duration pollTimeout,
            int grid,
            Duration maxBatchDelay) {
        this(bootstrapServers, groupId, transactionalId, maxBatch, pollTimeout, grid, maxBatchDelay,
                KafkaClientProperties.none());
    }

    /**
     * From environment variables, each optional: {@code LONGWATCH_BOOTSTRAP_SERVERS} (default
     * {@code localhost:9092}), {@code LONGWATCH_ENCODER_GROUP} (default {@code longwatch-encoder}),
     * {@code LONGWATCH_ENCODER_TRANSACTIONAL_ID} (default {@code longwatch-encoder-<hostName>}),
     * {@code LONGWATCH_ENCODER_MAX_BATCH} (default 32; the same variable sets the encoder's
     * frames per model call in {@link EncoderConfig#fromEnvironment}),
     * {@code LONGWATCH_ENCODER_MAX_BATCH_DELAY_MS} (default 50), {@code LONGWATCH_ENCODER_GRID}
     * (default 8), and the Kafka client settings {@code LONGWATCH_KAFKA_*} ({@link
     * KafkaClientProperties#fromEnvironment}).
     *
     * @throws IllegalArgumentException when a number does not parse or is out of range
     */
    public static EncoderSettings fromEnvironment(Map<String, String> env, String hostName) {
        EncoderSettings defaults = defaults(env.getOrDefault("LONGWATCH_BOOTSTRAP_SERVERS", "localhost:9092"));
        return new EncoderSettings(
                defaults.bootstrapServers(),
                env.getOrDefault("LONGWATCH_ENCODER_GROUP", defaults.groupId()),
                env.getOrDefault("LONGWATCH_ENCODER_TRANSACTIONAL_ID", "longwatch-encoder-" + hostName),
                intVariable(env, "LONGWATCH_ENCODER_MAX_BATCH", defaults.maxBatch()),
                defaults.pollTimeout(),
                intVariable(env, "LONGWATCH_ENCODER_GRID", defaults.grid()),
                Duration.ofMillis(intVariable(
                        env, "LONGWATCH_ENCODER_MAX_BATCH_DELAY_MS", (int) defaults.maxBatchDelay().toMillis())),
                KafkaClientProperties.fromEnvironment(env));
    }

    private static int intVariable(Map<String, String> env, String name, int defaultValue) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'", e);
        }
    }
}
