package dev.longwatch.ingest.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Small helpers for reading a whole compacted topic with manually assigned partitions. */
public final class ControlPlane {
    private ControlPlane() {}

    /** All partitions of {@code topic}, empty when it does not exist (yet). */
    public static List<TopicPartition> partitionsOf(
            Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    /** True when the consumer's position is at or past {@code end} on every partition. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
