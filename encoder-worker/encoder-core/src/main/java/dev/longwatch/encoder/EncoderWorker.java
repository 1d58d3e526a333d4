package dev.longwatch.encoder;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.FrameEmbedding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
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
    private final Counter framesEncoded;
    private final Counter deadLetters;
    private final Timer batchTimer;
    // JPEG decoding (1.5-2 ms a 640x360 frame, as much as a frame's inference at batch 16) runs
    // before the session, so nothing hides it; spread over the cores it takes half the time.
    private final CoreShare decoders = new CoreShare("encoder-worker-decode");

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
        this.framesEncoded =
                Counter.builder("longwatch_encoder_frames").tag("encoder", encoder.id()).register(metrics);
        this.deadLetters = Counter.builder("longwatch_encoder_dead_letters").register(metrics);
        this.batchTimer =
                Timer.builder("longwatch_encoder_batch").tag("encoder", encoder.id()).register(metrics);
    }

    static Properties consumerProperties(EncoderSettings settings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
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
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
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
            consumer.subscribe(Pattern.compile(Pattern.quote(Topics.FRAMES.name())));
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
            decoders.close();
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
        DecodedFrame[] decoded = new DecodedFrame[records.size()];
        decoders.forEach(records.size(), i -> decoded[i] = DecodedFrame.of(records.get(i)));
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<DecodedFrame> frames = new ArrayList<>();
        for (DecodedFrame frame : decoded) {
            if (frame.failure() != null) {
                out.add(deadLetter(frame.record(), frame.failure()));
            } else if (frame.frame() != null) { // a tombstone carries no frame
                frames.add(frame);
            }
        }
        for (int start = 0; start < frames.size(); start += settings.maxBatch()) {
            encodeBatch(frames.subList(start, Math.min(frames.size(), start + settings.maxBatch())), out);
        }
        return out;
    }

    private void encodeBatch(List<DecodedFrame> batch, List<ProducerRecord<byte[], byte[]>> out) {
        List<BufferedImage> images = batch.stream().map(DecodedFrame::image).toList();
        float[][] tokens;
        try {
            tokens = batchTimer.record(() -> encoder.encode(images));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                out.add(deadLetter(batch.get(0).record(), e));
                return;
            }
            // One bad frame must not cost its neighbours: encode one by one to find it.
            for (DecodedFrame frame : batch) {
                encodeBatch(List.of(frame), out);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            out.add(embeddingRecord(batch.get(i).frame(), tokens[i]));
        }
        framesEncoded.increment(batch.size());
    }

    /** A record as parsed and decoded: its frame and pixels, or why it has none (for the DLQ). */
    private record DecodedFrame(
            ConsumerRecord<byte[], byte[]> record, Frame frame, BufferedImage image, RuntimeException failure) {

        /** Never throws: a poison record becomes a failure, and its neighbours go on. */
        static DecodedFrame of(ConsumerRecord<byte[], byte[]> record) {
            try {
                Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
                return new DecodedFrame(record, frame, frame == null ? null : FrameDecoder.decode(frame), null);
            } catch (RuntimeException e) {
                return new DecodedFrame(record, null, null, e);
            }
        }
    }

    private ProducerRecord<byte[], byte[]> embeddingRecord(Frame frame, float[] tokens) {
        FrameEmbedding embedding =
                FrameEmbedding.newBuilder()
                        .setStreamId(frame.getStreamId())
                        .setSeq(frame.getSeq())
                        .setPtsMs(frame.getPtsMs())
                        .setWallMs(frame.getWallMs())
                        .setGapBefore(frame.getGapBefore())
                        .setEncoderId(encoder.id())
                        .setTokens(encoder.tokens())
                        .setDim(encoder.dim())
                        .setDtype(DType.F16)
                        .setData(TokenCodec.encode(tokens, DType.F16))
                        .build();
        String topic = Topics.EMBEDDINGS.name();
        return new ProducerRecord<>(
                topic,
                Topics.EMBEDDINGS.keySerde().serializer().serialize(topic, frame.getStreamId()),
                embedding.toByteArray());
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
        DeadLetter letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(record.topic())
                        .setPartition(record.partition())
                        .setOffset(record.offset())
                        .setKey(ByteString.copyFrom(record.key() == null ? new byte[0] : record.key()))
                        .setValue(ByteString.copyFrom(record.value() == null ? new byte[0] : record.value()))
                        .setReason(String.valueOf(e.getMessage()))
                        .setComponent("encoder-worker")
                        .setAtMs(System.currentTimeMillis())
                        .build();
        return new ProducerRecord<>(Topics.DLQ.name(), record.key(), letter.toByteArray());
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

    /** Stops the loop; the worker closes its clients on the way out of {@link #run()}. */
    @Override
    public void close() {
        if (running.getAndSet(false)) {
            consumer.wakeup();
        }
    }
}
