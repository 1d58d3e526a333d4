package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings shared by the frame and status producers. */
public final class ProducerConfigs {
    /**
     * How long a sent record may stay unacknowledged before it fails; so also how long before a
     * status a frame it does not count yet may have been sent.
     */
    public static final java.time.Duration DELIVERY_TIMEOUT = java.time.Duration.ofMinutes(2);

    private ProducerConfigs() {}

    /**
     * Idempotent, acks=all: a retried batch is never duplicated or reordered, so seqs stay dense
     * and in order per stream. JPEG does not compress further, so compression is off.
     *
     * @param connection bootstrap servers and client settings ({@code IngestSettings.kafkaConnection()})
     */
    public static Map<String, Object> idempotent(Map<String, Object> connection, String clientId) {
        Map<String, Object> configs = new HashMap<>(connection);
        configs.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        configs.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        configs.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        configs.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        configs.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Backpressure: when Kafka is slow, send() blocks once 64 MiB (about 8 s of 1080p JPEGs at
        // 30 streams x 1 fps) are waiting, which stalls decoding instead of growing the heap; after
        // 60 s of blocking the send fails and the stream reports it.
        configs.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
        return configs;
    }
}
