package dev.longwatch.encoder;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.FrameEmbedding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consume-transform-produce from {@code lw.frames} to {@code lw.embeddings} in Kafka
 * transactions: the embeddings of a poll and the consumer offsets that produced them commit
 * together, so a crash anywhere replays the poll and readers with {@code read_committed} see
 * every frame's embedding exactly once. A record that cannot be parsed or decoded goes to
 * {@code lw.dlq} in the same transaction.
 */
public final class EncoderWorker implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderWorker.class);

    private final EncoderSettings settings;
    private final VisionEncoder encoder;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    // For /readyz, written by the worker thread: the transactional producer is initialised (any
    // zombie with our id is fenced), and the consumer has joined the group once.
    private volatile boolean transactionsReady;
    private volatile boolean joinedGroup;
    private final FrameEmbedder embedder;
    private final Counter deadLetters;

    public EncoderWorker(EncoderSettings settings, VisionEncoder encoder, MeterRegistry metrics) {
        this(settings, encoder, metrics,
                new KafkaConsumer<>(consumerProperties(settings)), new KafkaProducer<>(producerProperties(settings)));
    }

    /** With given clients (tests use Kafka's mock consumer and producer). */
    EncoderWorker(
            EncoderSettings settings,
            VisionEncoder encoder,
            MeterRegistry metrics,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer) {
        this.settings = settings;
        this.encoder = encoder;
        this.consumer = consumer;
        this.producer = producer;
        this.embedder = new FrameEmbedder(encoder, settings.maxBatch(), metrics);
        this.deadLetters = Counter.builder("longwatch_encoder_dead_letters").register(metrics);
    }

    static Properties consumerProperties(EncoderSettings settings) {
        Properties props = new Properties();
        props.putAll(settings.kafkaClient().clientConfig(settings.bootstrapServers()));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // Static membership: a worker restarted after a crash rejoins under the same identity and
        // gets its partitions back at once, instead of the group waiting out the dead member's
        // session. The transactional id already has the same contract (unique, stable).
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.transactionalId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    static Properties producerProperties(EncoderSettings settings) {
        Properties props = new Properties();
        props.putAll(settings.kafkaClient().clientConfig(settings.bootstrapServers()));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    @Override
    public void run() {
        GroupMembershipOperation onClose = GroupMembershipOperation.LEAVE_GROUP;
        try {
            producer.initTransactions();
            transactionsReady = true;
            consumer.subscribe(Pattern.compile(Pattern.quote(Topics.FRAMES.name())), new GroupJoined());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
                if (!records.isEmpty()) {
                    processInTransaction(fillBatch(records));
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            // Another worker with our transactional id (and group instance id) took over: this
            // one is a zombie, and its open transaction dies with the new one's initTransactions.
            LOG.error("encoder worker fenced by a newer instance; stopping", e);
            // The group slot belongs to that instance now.
            onClose = GroupMembershipOperation.REMAIN_IN_GROUP;
        } finally {
            // A static member stays in the group on close unless told otherwise; leaving hands
            // the partitions to the other workers now rather than after the session timeout.
            consumer.close(CloseOptions.groupMembershipOperation(onClose));
            producer.close(Duration.ofSeconds(5));
            embedder.close();
        }
    }

    /**
     * Micro-batching across partitions: keeps polling until the batch reaches the encoder's
     * preferred size or {@code maxBatchDelay} has passed since its first frame, whichever comes
     * first, so a trickle of frames from many streams still reaches the model in full batches
     * while no frame waits longer than the bound. Nothing is committed until the whole batch is.
     */
    private List<ConsumerRecord<byte[], byte[]>> fillBatch(ConsumerRecords<byte[], byte[]> first) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(first.count());
        first.forEach(batch::add);
        int target = Math.min(settings.maxBatch(), encoder.preferredBatch());
        long deadline = System.nanoTime() + settings.maxBatchDelay().toNanos();
        long remaining;
        while (batch.size() < target && running.get() && (remaining = deadline - System.nanoTime()) > 0) {
            consumer.poll(Duration.ofNanos(remaining)).forEach(batch::add);
        }
        return batch;
    }

    private void processInTransaction(List<ConsumerRecord<byte[], byte[]>> records) {
        producer.beginTransaction();
        try {
            List<ProducerRecord<byte[], byte[]>> out = transform(records);
            out.forEach(producer::send);
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | FencedInstanceIdException e) {
            throw e;
        } catch (KafkaException e) {
            // The transaction failed as a whole: nothing it wrote becomes visible, so replay the
            // poll from the last committed offsets.
            LOG.warn("transaction aborted, replaying from committed offsets", e);
            producer.abortTransaction();
            rewindToCommitted(partitions(records));
        }
    }

    private List<ProducerRecord<byte[], byte[]>> transform(List<ConsumerRecord<byte[], byte[]>> records) {
        List<byte[]> values = new ArrayList<>(records.size());
        records.forEach(record -> values.add(record.value()));
        List<FrameEmbedder.Outcome> outcomes = embedder.embed(values);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        String topic = Topics.EMBEDDINGS.name();
        for (int i = 0; i < records.size(); i++) {
            FrameEmbedder.Outcome outcome = outcomes.get(i);
            if (outcome.failure() != null) {
                out.add(deadLetter(records.get(i), outcome.failure()));
            } else if (outcome.embedding() != null) { // a tombstone carries no frame
                FrameEmbedding embedding = outcome.embedding();
                out.add(new ProducerRecord<>(
                        topic,
                        Topics.EMBEDDINGS.keySerde().serializer().serialize(topic, embedding.getStreamId()),
                        embedding.toByteArray()));
            }
        }
        return out;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception e) {
        deadLetters.increment();
        LOG.warn(
                "frame at {}-{}@{} goes to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                Topics.DLQ.name(),
                e.getMessage());
        // Cut to fit: a frame at the size limit whose dead letter the broker refused would abort
        // every transaction that carries it, and the worker would loop on it.
        DeadLetter letter =
                DeadLetters.of(
                        new DeadLetters.Origin(record.topic(), record.partition(), record.offset()),
                        record.key(),
                        record.value(),
                        String.valueOf(e.getMessage()),
                        "encoder-worker",
                        System.currentTimeMillis());
        return new ProducerRecord<>(Topics.DLQ.name(), DeadLetters.recordKey(record.key()), letter.toByteArray());
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            // Within a partition the consumer hands records over in offset order.
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        return offsets;
    }

    private static Set<TopicPartition> partitions(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<TopicPartition> partitions = new HashSet<>();
        records.forEach(record -> partitions.add(new TopicPartition(record.topic(), record.partition())));
        return partitions;
    }

    private void rewindToCommitted(Set<TopicPartition> partitions) {
        // A rebalance may have taken some of these partitions away; their new owner replays them.
        Set<TopicPartition> owned = new HashSet<>(partitions);
        owned.retainAll(consumer.assignment());
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(owned);
        for (TopicPartition partition : owned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }

    /**
     * Empty once this worker can encode: its transactions are initialised and it has joined the
     * group (a member with no partition, one worker more than {@code lw.frames} has partitions, is
     * a ready standby); otherwise what it waits for.
     */
    public Optional<String> waitingFor() {
        if (!running.get()) {
            return Optional.of("stopping");
        }
        if (!transactionsReady) {
            return Optional.of("initialising the transactional producer " + settings.transactionalId());
        }
        if (!joinedGroup) {
            return Optional.of("joining the consumer group " + settings.groupId());
        }
        return Optional.empty();
    }

    /** Runs inside poll() on the worker thread. */
    private final class GroupJoined implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joinedGroup = true;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing to hand over: offsets commit with each transaction.
        }
    }

    /** Stops the loop; the worker closes its clients on the way out of {@link #run()}. */
    @Override
    public void close() {
        if (running.getAndSet(false)) {
            consumer.wakeup();
        }
    }
}
