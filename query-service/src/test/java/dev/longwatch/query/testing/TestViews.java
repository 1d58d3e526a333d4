package dev.longwatch.query.testing;

import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.registry.StreamRegistry;
import dev.longwatch.query.subscriptions.SubscriptionRegistry;
import dev.longwatch.query.subscriptions.SubscriptionsUpdater;
import dev.longwatch.schema.proto.Subscription;
import java.util.Optional;
import dev.longwatch.query.views.KafkaStreamsMemoryViews;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsTopology;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The real views topology on a {@link TopologyTestDriver}: pipe records into its topics, read
 * them back through {@link KafkaStreamsMemoryViews}. The registry writes into lw.streams of the
 * same driver, so a POST shows up in the views as it would through Kafka.
 */
public final class TestViews implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, StreamSpec> streams;
    private final TestInputTopic<String, StreamStatus> status;
    private final TestInputTopic<String, MemorySnapshot> memory;
    private final TestInputTopic<String, Frame> frames;
    private final TestInputTopic<String, Chapter> chapters;
    private final TestInputTopic<String, Subscription> subscriptionsTopic;
    private final TestOutputTopic<byte[], DeadLetter> deadLetters;
    private final KafkaStreamsMemoryViews views;

    public TestViews(Path stateDir) {
        Properties config =
                ViewsTopology.streamsConfig(
                        QueryServiceSettings.defaults("test-broker:9092").withStateDir(stateDir));
        driver = new TopologyTestDriver(ViewsTopology.build(config), config);
        streams = input(Topics.STREAMS);
        status = input(Topics.STREAM_STATUS);
        memory = input(Topics.MEMORY);
        frames = input(Topics.FRAMES);
        chapters = input(Topics.CHAPTERS);
        subscriptionsTopic = input(Topics.SUBSCRIPTIONS);
        deadLetters =
                driver.createOutputTopic(
                        Topics.DLQ.name(),
                        Topics.DLQ.keySerde().deserializer(),
                        Topics.DLQ.valueSerde().deserializer());
        views = new KafkaStreamsMemoryViews(driver::getKeyValueStore);
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    public MemoryViews views() {
        return views;
    }

    public TestOutputTopic<byte[], DeadLetter> deadLetters() {
        return deadLetters;
    }

    public synchronized void pipeSpec(StreamSpec spec) {
        streams.pipeInput(spec.getId(), spec);
    }

    public synchronized void deleteSpec(String id) {
        streams.pipeInput(id, null);
    }

    public synchronized void pipeStatus(StreamStatus value) {
        status.pipeInput(value.getStreamId(), value);
    }

    public synchronized void pipeMemory(MemorySnapshot value) {
        memory.pipeInput(value.getStreamId(), value);
    }

    public synchronized void pipeFrame(Frame value) {
        frames.pipeInput(value.getStreamId(), value);
    }

    /** A sealed chapter, keyed like the memory job keys it. */
    public synchronized void pipeChapter(Chapter value) {
        chapters.pipeInput(StreamIds.chapterKey(value.getStreamId(), value.getIndex()), value);
    }

    public synchronized void deleteChapter(String streamId, long index) {
        chapters.pipeInput(StreamIds.chapterKey(streamId, index), null);
    }

    /** A subscription registry on lw.subscriptions of this driver, read back from the global store. */
    public SubscriptionRegistry subscriptions() {
        return new SubscriptionRegistry() {
            @Override
            public void put(Subscription subscription) {
                synchronized (TestViews.this) {
                    subscriptionsTopic.pipeInput(subscription.getId(), subscription);
                }
            }

            @Override
            public void delete(String id) {
                synchronized (TestViews.this) {
                    subscriptionsTopic.pipeInput(id, null);
                }
            }

            @Override
            public Optional<Subscription> get(String id) {
                synchronized (TestViews.this) {
                    return Optional.ofNullable(
                            driver.<String, Subscription>getKeyValueStore(SubscriptionsUpdater.STORE).get(id));
                }
            }

            @Override
            public java.util.List<Subscription> all() {
                synchronized (TestViews.this) {
                    java.util.List<Subscription> out = new java.util.ArrayList<>();
                    try (var it = driver.<String, Subscription>getKeyValueStore(SubscriptionsUpdater.STORE).all()) {
                        it.forEachRemaining(entry -> out.add(entry.value));
                    }
                    return out;
                }
            }

            @Override
            public void close() {}
        };
    }

    /** A registry that writes lw.streams of this driver. */
    public StreamRegistry registry() {
        return new StreamRegistry() {
            @Override
            public void put(StreamSpec spec) {
                pipeSpec(spec);
            }

            @Override
            public void delete(String streamId) {
                deleteSpec(streamId);
            }

            @Override
            public void purge(String streamId, java.util.List<String> chapterKeys) {
                synchronized (TestViews.this) {
                    memory.pipeInput(streamId, null);
                    chapterKeys.forEach(key -> chapters.pipeInput(key, null));
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        driver.close();
    }
}
