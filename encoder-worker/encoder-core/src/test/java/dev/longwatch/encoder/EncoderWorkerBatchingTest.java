package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching across partitions with Kafka's mock clients: frames arriving one poll at a time
 * from two partitions reach the encoder as one batch and commit in one transaction. The latency
 * bound is set far away (or to zero) so that no assertion depends on timing.
 */
class EncoderWorkerBatchingTest {
    private static final String TOPIC = Topics.FRAMES.name();
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RecordingEncoder encoder = new RecordingEncoder(3);

    @Test
    void shouldFillABatchFromSeveralPollsAndPartitionsBeforeEncoding() throws Exception {
        runWorker(Duration.ofMinutes(10));
        assertThat(encoder.batchSizes).containsExactly(3);
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).hasSize(3).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.EMBEDDINGS.name()));
        Map<TopicPartition, OffsetAndMetadata> offsets =
                producer.consumerGroupOffsetsHistory().get(0).values().iterator().next();
        assertThat(offsets).containsEntry(P0, new OffsetAndMetadata(2)).containsEntry(P1, new OffsetAndMetadata(1));
    }

    @Test
    void shouldEncodeEveryPollAtOnceWithoutADelay() throws Exception {
        runWorker(Duration.ZERO);
        assertThat(encoder.batchSizes).containsExactly(1, 1, 1);
        assertThat(producer.commitCount()).isEqualTo(3);
        assertThat(producer.history()).hasSize(3);
    }

    @Test
    void shouldSendPoisonRecordsToTheDlqAndEncodeTheirNeighboursInOrder() throws Exception {
        EncoderWorker worker = new EncoderWorker(settings(Duration.ZERO), encoder, new SimpleMeterRegistry(), consumer, producer);
        byte[] jpeg = jpeg();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.addRecord(frame(P0, 0, jpeg));
            consumer.addRecord(frame(P0, 1, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3})); // not a JPEG
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, null, new byte[] {(byte) 0x8a, 0x01})); // not a Frame
            consumer.addRecord(frame(P0, 3, jpeg));
        });
        consumer.schedulePollTask(worker::close);
        worker.run();

        assertThat(encoder.batchSizes).containsExactly(2);
        assertThat(producer.commitCount()).isEqualTo(1);
        // in offset order, each where its record was
        assertThat(producer.history()).extracting(r -> r.topic())
                .containsExactly(Topics.EMBEDDINGS.name(), Topics.DLQ.name(), Topics.DLQ.name(), Topics.EMBEDDINGS.name());
        assertThat(List.of(producer.history().get(0), producer.history().get(3)))
                .extracting(r -> dev.longwatch.schema.proto.FrameEmbedding.parseFrom(r.value()).getSeq())
                .containsExactly(0L, 3L);
        assertThat(dev.longwatch.schema.proto.DeadLetter.parseFrom(producer.history().get(1).value()).getReason())
                .contains("frame 1 of cam-0 is not a readable JPEG image");
        assertThat(dev.longwatch.schema.proto.DeadLetter.parseFrom(producer.history().get(2).value()).getOffset())
                .isEqualTo(2);
        assertThat(producer.consumerGroupOffsetsHistory().get(0).values().iterator().next())
                .containsEntry(P0, new OffsetAndMetadata(4));
    }

    private static EncoderSettings settings(Duration maxBatchDelay) {
        EncoderSettings defaults = EncoderSettings.defaults("unused:9092");
        return new EncoderSettings(defaults.bootstrapServers(), defaults.groupId(),
                defaults.transactionalId(), 32, Duration.ofMillis(10), 8, maxBatchDelay);
    }

    private void runWorker(Duration maxBatchDelay) throws Exception {
        EncoderWorker worker = new EncoderWorker(settings(maxBatchDelay), encoder, new SimpleMeterRegistry(), consumer, producer);
        byte[] jpeg = jpeg();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
            consumer.addRecord(frame(P0, 0, jpeg));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(frame(P1, 0, jpeg)));
        consumer.schedulePollTask(() -> consumer.addRecord(frame(P0, 1, jpeg)));
        consumer.schedulePollTask(worker::close);
        worker.run(); // returns once the last task has closed the worker
    }

    private static ConsumerRecord<byte[], byte[]> frame(TopicPartition partition, long offset, byte[] jpeg) {
        Frame frame = Frame.newBuilder()
                .setStreamId("cam-" + partition.partition())
                .setSeq(offset)
                .setPtsMs(offset * 1000)
                .setWidth(64)
                .setHeight(48)
                .setJpeg(ByteString.copyFrom(jpeg))
                .build();
        byte[] key = Topics.FRAMES.keySerde().serializer().serialize(TOPIC, frame.getStreamId());
        return new ConsumerRecord<>(TOPIC, partition.partition(), offset, key, frame.toByteArray());
    }

    private static byte[] jpeg() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR), "jpg", out);
        return out.toByteArray();
    }

    /** Remembers the size of every batch it is given. */
    private static final class RecordingEncoder implements VisionEncoder {
        final List<Integer> batchSizes = new ArrayList<>();
        private final int preferredBatch;

        RecordingEncoder(int preferredBatch) {
            this.preferredBatch = preferredBatch;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public int tokens() {
            return 2;
        }

        @Override
        public int dim() {
            return 2;
        }

        @Override
        public int preferredBatch() {
            return preferredBatch;
        }

        @Override
        public float[][] encode(List<BufferedImage> frames) {
            batchSizes.add(frames.size());
            return new float[frames.size()][4];
        }
    }
}
