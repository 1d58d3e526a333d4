package dev.longwatch.query.views;

import dev.longwatch.query.config.KeyframeRetention;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.subscriptions.SubscriptionsUpdater;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams views behind the HTTP API: the topology in {@link #createViews} and its
 * configuration in {@link #streamsConfig}; {@link #build} joins them and is what both the
 * service and the tests run.
 */
public final class ViewsTopology {
    /** lw.memory: stream id → latest MemorySnapshot. */
    public static final String MEMORY_STORE = "memory";
    /** lw.streams (global): stream id → StreamSpec (tombstone deletes). */
    public static final String STREAMS_STORE = "streams";
    /** lw.stream-status (global): stream id → StreamStatus. */
    public static final String STATUS_STORE = "stream-status";
    /** lw.subscriptions (global): subscription id → Subscription. */
    public static final String SUBSCRIPTIONS_STORE = SubscriptionsUpdater.STORE;
    /** lw.frames: {@link FrameKeys#key} → JPEG bytes, timestamped; kept per {@link KeyframeSweep}. */
    public static final String KEYFRAMES_STORE = "keyframes";
    /** lw.chapters (global): {@code streamId/index} → sealed Chapter (tombstone deletes). */
    public static final String CHAPTERS_STORE = "chapters";

    private ViewsTopology() {}

    /** Adds the views to {@code builder}, with the default keyframe retention. */
    public static void createViews(StreamsBuilder builder) {
        createViews(builder, KeyframeRetention.DEFAULT);
    }

    /** Adds the views to {@code builder}. */
    public static void createViews(StreamsBuilder builder, KeyframeRetention retention) {
        // Partitioned across the instances: a stream's memory and keyframes (below) have one owner,
        // which answers that stream's requests (the others forward to it).
        table(builder, Topics.MEMORY, MEMORY_STORE);
        // Global: a spec or status record per stream, rarely more than one a second. Every
        // instance needs every spec (the stream list, 409 on create, subscriptions check it), and
        // with both global the only partitioned state is the memory + keyframe task.
        globalTable(builder, Topics.STREAMS, STREAMS_STORE);
        globalTable(builder, Topics.STREAM_STATUS, STATUS_STORE);
        // Every instance holds every subscription: any instance answers GET/DELETE and SSE.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(SubscriptionsUpdater.STORE),
                                Topics.SUBSCRIPTIONS.keySerde(),
                                Topics.SUBSCRIPTIONS.valueSerde())
                        .withLoggingDisabled(), // the compacted topic is its changelog
                Topics.SUBSCRIPTIONS.name(),
                Consumed.with(Topics.SUBSCRIPTIONS.keySerde(), Topics.SUBSCRIPTIONS.valueSerde()),
                SubscriptionsUpdater::new);
        // lw.chapters is keyed "streamId/index", which hashes to other partitions than the stream
        // id keys of lw.memory: a partitioned table would put a stream's chapters on instances that
        // do not own its memory. A global table gives every instance every chapter (a few per hour
        // per stream, M slots each), is read by a key range per stream, and uses the compacted
        // topic as its changelog.
        builder.globalTable(
                Topics.CHAPTERS.name(),
                Consumed.with(Topics.CHAPTERS.keySerde(), Topics.CHAPTERS.valueSerde()),
                Materialized.<String, Chapter, KeyValueStore<Bytes, byte[]>>as(CHAPTERS_STORE)
                        .withKeySerde(Topics.CHAPTERS.keySerde())
                        .withValueSerde(Topics.CHAPTERS.valueSerde()));

        // The changelog copies every JPEG once more; it must accept messages as large as lw.frames.
        // Timestamped: the retention grace is judged on each frame's record time.
        builder.addStateStore(
                Stores.timestampedKeyValueStoreBuilder(
                                Stores.persistentTimestampedKeyValueStore(KEYFRAMES_STORE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withLoggingEnabled(
                                Map.of(
                                        "max.message.bytes",
                                        Integer.toString(Topics.MAX_MESSAGE_BYTES))));
        // lw.frames is keyed by stream id like lw.memory, so a stream's frames and its memory sit
        // in the same partition number: processing where the frame arrives needs no repartition.
        // Reading the memory table (for retention) joins both topics into one sub-topology, so
        // partition p of lw.frames and of lw.memory form one task and live on one instance. That
        // needs lw.frames and lw.memory to have the same partition count, as TopicAdmin creates them.
        builder.stream(
                        Topics.FRAMES.name(),
                        Consumed.with(Topics.FRAMES.keySerde(), Topics.FRAMES.valueSerde()))
                .process(() -> new KeyframeStoreProcessor(retention), KEYFRAMES_STORE, MEMORY_STORE)
                .to(Topics.DLQ.name(), Produced.with(Topics.DLQ.keySerde(), Topics.DLQ.valueSerde()));
    }

    /**
     * Kafka Streams configuration of the views for {@code settings}, as a member of a group of
     * instances: {@code applicationServer} ({@code host:port}) is where this instance's HTTP API
     * is reached, published to the others so they can forward requests for the streams it owns.
     */
    public static Properties streamsConfig(QueryServiceSettings settings, String applicationServer) {
        Properties props = streamsConfig(settings);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        return props;
    }

    /** Kafka Streams configuration of the views for {@code settings}. */
    public static Properties streamsConfig(QueryServiceSettings settings) {
        Properties props = new Properties();
        // The client settings (security) first: they apply to every client of the app.
        props.putAll(settings.kafkaConnection());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        // The memory job writes lw.memory in Kafka transactions: never show an aborted snapshot.
        props.put(
                StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                "read_committed");
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        // The compacted source topics double as the tables' changelogs: no copy of lw.memory etc.
        props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        // Frames and their changelog records carry JPEGs.
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Topics.MAX_MESSAGE_BYTES);
        props.put(
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Topics.MAX_MESSAGE_BYTES);
        return props;
    }

    /** The topology of {@link #createViews}, built with the optimizations {@code config} asks for. */
    public static Topology build(Properties config) {
        return build(config, KeyframeRetention.DEFAULT);
    }

    /** As {@link #build(Properties)}, with the given keyframe retention. */
    public static Topology build(Properties config, KeyframeRetention retention) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config)));
        createViews(builder, retention);
        return builder.build(config);
    }

    private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
        builder.globalTable(
                topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }

    private static <V> void table(StreamsBuilder builder, Topic<String, V> topic, String store) {
        builder.table(
                topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde()),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }
}
