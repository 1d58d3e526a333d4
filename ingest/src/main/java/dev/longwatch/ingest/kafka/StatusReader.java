package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

/** Reads the compacted {@code lw.stream-status} to its end once: the last status per stream. */
public final class StatusReader {
    private StatusReader() {}

    /**
     * @return stream id to last status; empty when the topic does not exist yet
     * @throws org.apache.kafka.common.errors.TimeoutException if the end is not reached in time
     */
    public static Map<String, StreamStatus> readAll(
            Map<String, Object> connection, String clientId, Duration timeout) {
        Map<String, Object> configs = new HashMap<>(connection);
        configs.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, StreamStatus> statuses = new HashMap<>();
        try (KafkaConsumer<String, StreamStatus> consumer =
                new KafkaConsumer<>(
                        configs,
                        Topics.STREAM_STATUS.keySerde().deserializer(),
                        Topics.STREAM_STATUS.valueSerde().deserializer())) {
            List<TopicPartition> partitions =
                    ControlPlane.partitionsOf(consumer, Topics.STREAM_STATUS.name(), timeout);
            if (partitions.isEmpty()) {
                return statuses;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ControlPlane.reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "reading " + Topics.STREAM_STATUS.name() + " took longer than " + timeout);
                }
                try {
                    for (ConsumerRecord<String, StreamStatus> r :
                            consumer.poll(Duration.ofMillis(200))) {
                        if (r.key() == null) {
                            continue;
                        }
                        if (r.value() == null) {
                            statuses.remove(r.key());
                        } else {
                            statuses.put(r.key(), r.value());
                        }
                    }
                } catch (RecordDeserializationException e) {
                    // A damaged status only costs the resume point of one stream: skip it.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        }
        return statuses;
    }
}
