package dev.longwatch.query.subscriptions;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventAnswer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads lw.event-answers into the {@link EventAnswerBus}. Every instance reads every partition
 * (no consumer group: each SSE client may be on any instance), starting {@link #LOOKBACK} back so
 * that after a restart a client reconnecting with {@code Last-Event-ID} still gets what it missed.
 */
public final class KafkaEventAnswerFeed implements AutoCloseable {
    public static final Duration LOOKBACK = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventAnswerFeed.class);

    private final KafkaConsumer<String, EventAnswer> consumer;
    private final EventAnswerBus bus;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param connection bootstrap servers and client settings ({@code
     *     QueryServiceSettings.kafkaConnection()})
     */
    public KafkaEventAnswerFeed(Map<String, Object> connection, EventAnswerBus bus, Clock clock) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        props,
                        Topics.EVENT_ANSWERS.keySerde().deserializer(),
                        Topics.EVENT_ANSWERS.valueSerde().deserializer());
        this.bus = bus;
        this.clock = clock;
        this.thread = new Thread(this::run, "event-answer-feed");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            assignFromLookback();
            while (running) {
                for (ConsumerRecord<String, EventAnswer> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        bus.publish(record.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("Event answer feed stopped: SSE clients get no new answers", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void assignFromLookback() {
        List<TopicPartition> partitions =
                consumer.partitionsFor(Topics.EVENT_ANSWERS.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        if (partitions.isEmpty()) {
            LOG.warn("{} has no partitions (topic missing?): SSE clients will get no answers", Topics.EVENT_ANSWERS.name());
        }
        consumer.assign(partitions);
        long since = clock.millis() - LOOKBACK.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = offsets.get(p);
            if (at == null) {
                consumer.seekToEnd(List.of(p)); // nothing that recent
            } else {
                consumer.seek(p, at.offset());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
