package dev.longwatch.query.subscriptions;

import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads lw.event-answers into the {@link EventAnswerBus}. Every instance reads every partition
 * (no consumer group: each SSE client may be on any instance), starting {@link #LOOKBACK} back so
 * that after a restart a client reconnecting with {@code Last-Event-ID} still gets what it missed.
 *
 * <p>Records are read as bytes and parsed here, one at a time: a record that is not an answer
 * ({@link EventAnswerCheck}) goes to lw.dlq with its coordinates and the feed goes on with the
 * next one. (Parsing in the consumer threw from {@code poll} and stopped the feed for good, and
 * again after every restart while the record was within the lookback.) Having no group, each
 * instance, and each restart within the lookback, writes its own dead letter for one bad record:
 * they share the record's coordinates. A failure to write a dead letter is retried, the record
 * is not skipped.
 */
public final class KafkaEventAnswerFeed implements AutoCloseable {
    public static final Duration LOOKBACK = Duration.ofHours(24);
    static final String COMPONENT = "query-service/event-answer-feed";
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventAnswerFeed.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
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
        // A record at the topic's size limit is fetched like any other, and dead-lettered.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producer = new Properties();
        producer.putAll(connection);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "event-answer-feed-dlq");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        this.deadLetters = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer());
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
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    deliver(record);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Event answer feed stopped: SSE clients get no new answers", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        if (record.value() == null) {
            return; // a tombstone carries no answer
        }
        EventAnswerCheck.Checked checked = EventAnswerCheck.check(record.value());
        if (checked.answer() != null) {
            bus.publish(checked.answer());
            return;
        }
        LOG.warn(
                "Sending record {}-{}@{} to {}: {}",
                record.topic(), record.partition(), record.offset(), Topics.DLQ.name(), checked.refusal());
        DeadLetter letter =
                DeadLetters.of(
                        new DeadLetters.Origin(record.topic(), record.partition(), record.offset()),
                        record.key(),
                        record.value(),
                        checked.refusal(),
                        COMPONENT,
                        clock.millis());
        byte[] value = Topics.DLQ.valueSerde().serializer().serialize(Topics.DLQ.name(), letter);
        ProducerRecord<byte[], byte[]> out =
                new ProducerRecord<>(Topics.DLQ.name(), DeadLetters.recordKey(record.key()), value);
        // Synchronous and retried until written (or the feed is closed): the record is not skipped
        // before its dead letter is in Kafka.
        while (running) {
            try {
                deadLetters.send(out).get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Cannot write the dead letter of {}-{}@{} yet: {}", record.topic(), record.partition(), record.offset(), e.toString());
                Thread.sleep(RETRY.toMillis());
            }
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
