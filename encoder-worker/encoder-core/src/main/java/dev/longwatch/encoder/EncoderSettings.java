package dev.longwatch.encoder;

import java.time.Duration;

/**
 * Configuration of one encoder worker.
 *
 * @param bootstrapServers Kafka bootstrap servers (no default: required)
 * @param groupId consumer group shared by all workers; default {@code longwatch-encoder}
 * @param transactionalId unique per worker instance and stable across its restarts, so a
 *     restarted worker fences its zombie; default {@code longwatch-encoder-0}
 * @param maxBatch most frames encoded in one call; default 32
 * @param pollTimeout how long one poll waits for frames; default 200 ms
 * @param grid patches per side of the built-in encoder; default 8 (64 tokens)
 * @param maxBatchDelay how long the worker keeps polling to fill a batch of the encoder's
 *     preferred size, counted from the first frame of the batch (the latency bound of
 *     micro-batching across partitions); default 50 ms, zero encodes every poll at once
 */
public record EncoderSettings(
        String bootstrapServers,
        String groupId,
        String transactionalId,
        int maxBatch,
        Duration pollTimeout,
        int grid,
        Duration maxBatchDelay) {

    public static EncoderSettings defaults(String bootstrapServers) {
        return new EncoderSettings(
                bootstrapServers,
                "longwatch-encoder",
                "longwatch-encoder-0",
                32,
                Duration.ofMillis(200),
                8,
                Duration.ofMillis(50));
    }
}
