package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds the last frame of a stream that actually reached {@code lw.frames}.
 *
 * <p>Why: a status is written at most once per status interval, so an instance that dies
 * (SIGKILL, power loss) may have had frames acknowledged after its last status. The instance
 * that takes the stream over must continue after those, or their seqs would appear twice.
 *
 * <p>How: one stream's frames all go to one partition, in seq order, from one producer at a time
 * (the owner), so its newest record there holds its highest seq. The partition is read backwards
 * in chunks from the end, stopping at the first chunk that holds the stream or at {@code
 * notBeforeMs}, so the usual cost is the few records written since the owner died.
 */
public final class FrameLog {
    /** Records read per step backwards. */
    private static final int CHUNK = 200;

    /** The newest frame of a stream on {@code lw.frames}. */
    public record LastFrame(long seq, long ptsMs) {}

    /** Bootstrap servers and client settings ({@code IngestSettings.kafkaConnection()}). */
    private final Map<String, Object> connection;
    private final String clientId;
    private final Duration timeout;

    public FrameLog(Map<String, Object> connection, String clientId, Duration timeout) {
        this.connection = Map.copyOf(connection);
        this.clientId = clientId;
        this.timeout = timeout;
    }

    /**
     * @param notBeforeMs records older than this (by record timestamp) are not looked at; pass a
     *     time before the stream's last frame could have been sent
     * @return the stream's newest frame at or after {@code notBeforeMs}, empty if none
     * @throws TimeoutException when the partition cannot be read within the timeout
     */
    public Optional<LastFrame> lastFrame(String streamId, long notBeforeMs) {
        byte[] key = Topics.FRAMES.keySerde().serializer().serialize(Topics.FRAMES.name(), streamId);
        Map<String, Object> configs = new HashMap<>(connection);
        configs.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, CHUNK);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    ControlPlane.partitionsOf(consumer, Topics.FRAMES.name(), timeout);
            if (partitions.isEmpty()) {
                return Optional.empty();
            }
            // The partition the producer's default partitioner picks for this key.
            TopicPartition tp =
                    new TopicPartition(
                            Topics.FRAMES.name(),
                            BuiltInPartitioner.partitionForKey(key, partitions.size()));
            consumer.assign(List.of(tp));
            OffsetAndTimestamp since =
                    consumer.offsetsForTimes(Map.of(tp, Math.max(0, notBeforeMs)), timeout).get(tp);
            if (since == null) {
                return Optional.empty(); // nothing at all written since notBeforeMs
            }
            long floor = since.offset();
            long hi = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (hi > floor) {
                long lo = Math.max(floor, hi - CHUNK);
                ConsumerRecord<byte[], byte[]> newest = newestOf(consumer, tp, key, lo, hi, deadline);
                if (newest != null) {
                    Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(tp.topic(), newest.value());
                    return Optional.of(new LastFrame(frame.getSeq(), frame.getPtsMs()));
                }
                hi = lo;
            }
            return Optional.empty();
        }
    }

    /** The newest record with {@code key} in offsets [lo, hi), or null. */
    private ConsumerRecord<byte[], byte[]> newestOf(
            KafkaConsumer<byte[], byte[]> consumer,
            TopicPartition tp,
            byte[] key,
            long lo,
            long hi,
            long deadline) {
        consumer.seek(tp, lo);
        ConsumerRecord<byte[], byte[]> newest = null;
        while (consumer.position(tp) < hi) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "reading the end of " + tp + " took longer than " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < hi && Arrays.equals(r.key(), key) && r.value() != null) {
                    newest = r;
                }
            }
        }
        return newest;
    }
}
