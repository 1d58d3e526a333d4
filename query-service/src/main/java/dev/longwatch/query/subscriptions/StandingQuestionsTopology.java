package dev.longwatch.query.subscriptions;

import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.views.DeadLetterDeserializationHandler;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.Topics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams app that evaluates standing questions: lw.events → {@link
 * StandingQuestionProcessor} → lw.event-answers (and lw.dlq), with lw.subscriptions as a global
 * store. Its own application id ({@code <views id>-standing}), so a slow model call never holds
 * up the views. Runs only when a model is configured.
 */
public final class StandingQuestionsTopology {
    private StandingQuestionsTopology() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(MemoryViews views, StandingEvaluator evaluator) {
        Topology topology = new Topology();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(SubscriptionsUpdater.STORE),
                                Topics.SUBSCRIPTIONS.keySerde(),
                                Topics.SUBSCRIPTIONS.valueSerde())
                        .withLoggingDisabled(), // the compacted topic is its changelog
                "subscriptions-source",
                Topics.SUBSCRIPTIONS.keySerde().deserializer(),
                Topics.SUBSCRIPTIONS.valueSerde().deserializer(),
                Topics.SUBSCRIPTIONS.name(),
                "subscriptions-updater",
                SubscriptionsUpdater::new);
        topology.addSource(
                "events",
                Topics.EVENTS.keySerde().deserializer(),
                Topics.EVENTS.valueSerde().deserializer(),
                Topics.EVENTS.name());
        topology.addProcessor("standing-questions", () -> new StandingQuestionProcessor(views, evaluator), "events");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StandingQuestionProcessor.LAST_EVALUATED_STORE),
                        Serdes.String(),
                        Serdes.Long()),
                "standing-questions");
        topology.addSink(
                StandingQuestionProcessor.ANSWERS_SINK,
                Topics.EVENT_ANSWERS.name(),
                (Serializer) Topics.EVENT_ANSWERS.keySerde().serializer(),
                (Serializer) Topics.EVENT_ANSWERS.valueSerde().serializer(),
                "standing-questions");
        topology.addSink(
                StandingQuestionProcessor.DLQ_SINK,
                Topics.DLQ.name(),
                (Serializer) Topics.DLQ.keySerde().serializer(),
                (Serializer) Topics.DLQ.valueSerde().serializer(),
                "standing-questions");
        return topology;
    }

    /** Configuration for {@code settings}; the model call may take minutes, so polls may too. */
    public static Properties streamsConfig(QueryServiceSettings settings) {
        Properties props = new Properties();
        // The client settings (security) first: they apply to every client of the app.
        props.putAll(settings.kafkaConnection());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId() + "-standing");
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().resolve("standing").toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        // Each event may cost (timeout × (retries + 1)) per due subscription: few records per poll
        // and a long poll interval keep the group from evicting a thread that waits on the model.
        long perCall = settings.llm().timeout().toMillis() * (settings.llm().maxRetries() + 1L);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10);
        props.put(
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) Math.min(Integer.MAX_VALUE, Math.max(Duration.ofMinutes(5).toMillis(), perCall * 20)));
        // Answers should reach SSE clients quickly: commit (and flush) often.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // The dead letter of a record at the topics' size limit is nearly as large: with the
        // producer's 1 MiB default it was refused, the thread replaced, the record read again.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_MESSAGE_BYTES);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), Topics.MAX_MESSAGE_BYTES);
        return props;
    }
}
