package dev.longwatch.memory.job;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the memory job published on {@code lw.memory}, {@code lw.events}, {@code lw.chapters} and
 * {@code lw.dlq} since given offsets, as one reader isolation level sees it, in log order per
 * partition. Runs of the job tell their outputs apart by where the topics ended before each run.
 */
record KafkaOutputs(
        List<MemorySnapshot> snapshots,
        List<MemoryEvent> events,
        List<Chapter> chapters,
        List<DeadLetter> deadLetters) {

    static final List<String> TOPICS =
            List.of(
                    Topics.MEMORY.name(),
                    Topics.EVENTS.name(),
                    Topics.CHAPTERS.name(),
                    Topics.DLQ.name());

    /** Where the output topics end now: the start of the next run's outputs. */
    static Map<TopicPartition, Long> endOffsets(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_uncommitted")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            return consumer.endOffsets(partitions);
        }
    }

    /** Everything from {@code from} to the current end for this isolation level. */
    static KafkaOutputs read(String bootstrap, String isolation, Map<TopicPartition, Long> from) {
        KafkaOutputs out =
                new KafkaOutputs(
                        new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            // For read_committed the end is the last stable offset: open transactions stay unread.
            Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet());
            while (end.entrySet().stream()
                    .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    out.add(record);
                }
            }
        }
        return out;
    }

    private void add(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        byte[] value = record.value();
        if (value == null) {
            return; // tombstones of deleted streams: none in these tests
        }
        if (topic.equals(Topics.MEMORY.name())) {
            snapshots.add(Topics.MEMORY.valueSerde().deserializer().deserialize(topic, value));
        } else if (topic.equals(Topics.EVENTS.name())) {
            events.add(Topics.EVENTS.valueSerde().deserializer().deserialize(topic, value));
        } else if (topic.equals(Topics.CHAPTERS.name())) {
            chapters.add(Topics.CHAPTERS.valueSerde().deserializer().deserialize(topic, value));
        } else {
            deadLetters.add(Topics.DLQ.valueSerde().deserializer().deserialize(topic, value));
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        return new KafkaConsumer<>(props);
    }

    /** The newest snapshot of each stream, without its publishing time (processing time). */
    Map<String, MemorySnapshot> finalBanks() {
        Map<String, MemorySnapshot> banks = new HashMap<>();
        for (MemorySnapshot snapshot : sortedSnapshots()) {
            banks.put(snapshot.getStreamId(), snapshot);
        }
        return banks;
    }

    /** Every snapshot without its publishing time, by stream and version. */
    List<MemorySnapshot> sortedSnapshots() {
        return snapshots.stream()
                .map(s -> s.toBuilder().clearUpdatedMs().build())
                .sorted(
                        Comparator.comparing(MemorySnapshot::getStreamId)
                                .thenComparingLong(MemorySnapshot::getVersion))
                .toList();
    }

    List<MemoryEvent> sortedEvents() {
        return events.stream().sorted(Comparator.comparing(KafkaOutputs::eventKey)).toList();
    }

    List<Chapter> sortedChapters() {
        return chapters.stream().sorted(Comparator.comparing(KafkaOutputs::chapterKey)).toList();
    }

    static String eventKey(MemoryEvent event) {
        return event.getStreamId() + " " + event.getKind() + " " + event.getSeq();
    }

    static String chapterKey(Chapter chapter) {
        return chapter.getStreamId() + "/" + chapter.getIndex();
    }

    static String snapshotKey(MemorySnapshot snapshot) {
        return snapshot.getStreamId() + " " + snapshot.getVersion();
    }

    /** The keys that occur more than once, sorted. */
    static <T> List<String> duplicates(List<T> records, Function<T, String> key) {
        return records.stream()
                .collect(Collectors.groupingBy(key, Collectors.counting()))
                .entrySet()
                .stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
