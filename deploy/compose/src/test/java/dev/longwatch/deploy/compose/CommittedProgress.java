package dev.longwatch.deploy.compose;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far the stack has got, as a read_committed reader of the broker sees it: the frames each
 * stream's memory has taken in ({@code lw.memory}'s frames_seen) and each stream's latest ingest
 * status. Followed by a consumer of its own, so it needs neither the query service (which the
 * test kills) nor its views (which lag behind a restart); the consumer rides out the broker's
 * restart like any client.
 */
final class CommittedProgress implements AutoCloseable {
    private final Map<String, Long> framesSeen = new ConcurrentHashMap<>();
    private final Map<String, StreamStatus> statuses = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    CommittedProgress(String bootstrap) {
        consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::follow, "committed-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Frames in memory over every stream (committed snapshots only). */
    long framesInMemory() {
        return framesSeen.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, StreamStatus> statuses() {
        return Map.copyOf(statuses);
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new java.util.ArrayList<>();
            for (String topic : List.of(Topics.MEMORY.name(), Topics.STREAM_STATUS.name())) {
                consumer.partitionsFor(topic, Duration.ofMinutes(1))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        continue;
                    }
                    if (record.topic().equals(Topics.MEMORY.name())) {
                        MemorySnapshot snapshot = MemorySnapshot.parseFrom(record.value());
                        framesSeen.merge(snapshot.getStreamId(), snapshot.getFramesSeen(), Math::max);
                    } else {
                        StreamStatus status = StreamStatus.parseFrom(record.value());
                        statuses.put(status.getStreamId(), status);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            if (running) {
                throw new IllegalStateException("following the stack's progress failed", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
