package dev.longwatch.memory.job;

import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.schema.Topics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;
import java.util.TreeMap;

/** The Kafka ends of the memory job. */
public final class MemoryKafka {
    /** The broker default for transaction.max.timeout.ms; a larger producer value is refused. */
    static final int TRANSACTION_TIMEOUT_MS = 900_000;

    private MemoryKafka() {}

    /**
     * The {@link MemoryOptions#KAFKA_PROPERTIES_PREFIX} options as client properties, prefix
     * removed. Set first on each builder, so the job's own settings win.
     */
    static Map<String, String> clientProperties(Configuration options) {
        Map<String, String> properties = new TreeMap<>();
        options.toMap().forEach((key, value) -> {
            if (key.startsWith(MemoryOptions.KAFKA_PROPERTIES_PREFIX)) {
                properties.put(key.substring(MemoryOptions.KAFKA_PROPERTIES_PREFIX.length()), value);
            }
        });
        return properties;
    }

    /**
     * Reads {@code lw.embeddings} from the group's committed offsets, or from the earliest offsets
     * for a new group, and only committed data (the encoder worker writes transactionally).
     */
    // The connector's committedOffsets(...) still takes Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    public static KafkaSource<RawKafkaRecord> source(Configuration options) {
        KafkaSourceBuilder<RawKafkaRecord> builder = KafkaSource.builder();
        clientProperties(options).forEach(builder::setProperty);
        return builder.setBootstrapServers(options.get(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(Topics.EMBEDDINGS.name())
                .setGroupId(options.get(MemoryOptions.KAFKA_GROUP_ID))
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty(
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                        Integer.toString(4 * Topics.MAX_MESSAGE_BYTES))
                .setProperty(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        Integer.toString(Topics.MAX_MESSAGE_BYTES))
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    /**
     * Reads the control plane {@code lw.streams} (compacted) from the earliest offsets for a new
     * group, so deletions made while the job was down are still seen; the group is the embeddings
     * group with {@code -streams} appended.
     */
    @SuppressWarnings("deprecation")
    public static KafkaSource<RawKafkaRecord> streamsSource(Configuration options) {
        KafkaSourceBuilder<RawKafkaRecord> builder = KafkaSource.builder();
        clientProperties(options).forEach(builder::setProperty);
        return builder.setBootstrapServers(options.get(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(Topics.STREAMS.name())
                .setGroupId(options.get(MemoryOptions.KAFKA_GROUP_ID) + "-streams")
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    /**
     * One exactly-once sink for snapshots, events and dead letters; each record names its topic.
     */
    public static KafkaSink<OutRecord> sink(Configuration options) {
        KafkaSinkBuilder<OutRecord> builder = KafkaSink.builder();
        clientProperties(options).forEach(builder::setProperty);
        return builder.setBootstrapServers(options.get(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(new OutRecordSerializer())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(options.get(MemoryOptions.KAFKA_TRANSACTIONAL_ID_PREFIX))
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Integer.toString(TRANSACTION_TIMEOUT_MS))
                .setProperty(
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        Integer.toString(Topics.MAX_MESSAGE_BYTES))
                .build();
    }
}
