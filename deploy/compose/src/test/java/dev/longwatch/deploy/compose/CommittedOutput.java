package dev.longwatch.deploy.compose;

import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a stack wrote, read from its broker with {@code read_committed} from the first offset to
 * the end: what any reader of the topics will ever see, aborted transactions left out.
 */
record CommittedOutput(
        List<Frame> frames,
        List<FrameEmbedding> embeddings,
        List<MemorySnapshot> snapshots,
        List<MemoryEvent> events,
        List<EventAnswer> answers) {

    static CommittedOutput read(String bootstrap) {
        return new CommittedOutput(
                all(bootstrap, Topics.FRAMES, Frame::parseFrom),
                all(bootstrap, Topics.EMBEDDINGS, FrameEmbedding::parseFrom),
                all(bootstrap, Topics.MEMORY, MemorySnapshot::parseFrom),
                all(bootstrap, Topics.EVENTS, MemoryEvent::parseFrom),
                all(bootstrap, Topics.EVENT_ANSWERS, EventAnswer::parseFrom));
    }

    /** The latest status of each stream (lw.stream-status is compacted: the last record wins). */
    static Map<String, StreamStatus> statuses(String bootstrap) {
        Map<String, StreamStatus> latest = new HashMap<>();
        all(bootstrap, Topics.STREAM_STATUS, StreamStatus::parseFrom).forEach(s -> latest.put(s.getStreamId(), s));
        return latest;
    }

    /** Per stream, how often each seq occurs on lw.frames. */
    Map<String, Map<Long, Long>> frameSeqs() {
        return frames.stream().collect(Collectors.groupingBy(Frame::getStreamId, TreeMap::new,
                Collectors.groupingBy(Frame::getSeq, TreeMap::new, Collectors.counting())));
    }

    /** Per stream, how often each seq occurs on lw.embeddings. */
    Map<String, Map<Long, Long>> embeddingSeqs() {
        return embeddings.stream().collect(Collectors.groupingBy(FrameEmbedding::getStreamId, TreeMap::new,
                Collectors.groupingBy(FrameEmbedding::getSeq, TreeMap::new, Collectors.counting())));
    }

    /**
     * The last snapshot of each stream, without its wall-clock stamps: the update time, and the
     * incarnation, which is the time the stream was registered (each run registers its own).
     */
    Map<String, MemorySnapshot> finalMemory() {
        Map<String, MemorySnapshot> last = new TreeMap<>();
        snapshots.stream()
                .sorted(Comparator.comparingLong(MemorySnapshot::getVersion))
                .forEach(s -> last.put(s.getStreamId(), s.toBuilder().clearUpdatedMs().clearIncarnation().build()));
        return last;
    }

    /** Events in a fixed order: stream, kind, seq. */
    List<String> sortedEvents() {
        return events.stream()
                .map(e -> e.getStreamId() + " " + e.getKind() + " seq " + e.getSeq() + " pts " + e.getPtsMs() + " score " + e.getScore())
                .sorted()
                .toList();
    }

    private interface Parser<V> {
        V parse(byte[] bytes) throws Exception;
    }

    private static <V> List<V> all(String bootstrap, Topic<?, ?> topic, Parser<V> parser) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end offsets a committed reader can reach (the last stable offsets).
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        values.add(parser.parse(record.value()));
                    }
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + topic.name(), e);
        }
        return values;
    }

}
