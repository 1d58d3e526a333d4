package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.FrameEmbedding;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack (and plain bad luck): embeddings of a stream still queued on lw.embeddings behind its
 * deletion, as when the encoder lags, rebuilt a memory for the deleted id, which then sat in
 * the compacted lw.memory for good. Now the memory job drops them: after the deletion, lw.memory
 * holds nothing for the id but tombstones, although the late embeddings were taken in (a
 * witness stream's embeddings sent after them are in memory).
 */
@ExtendWith(AttackStack.class)
class LateEmbeddingsAttackITCase {

    @Test
    void shouldNotRebuildAMemoryForADeletedStream() throws Exception {
        // Given a stream in memory, deleted
        AttackStack.ingestClip("late");
        String url = AttackStack.json(AttackStack.get("/v1/streams/late/memory"))
                .path("slots").get(0).path("keyframeUrl").asText();
        long incarnation = AttackStack.incarnationOf(url);
        assertThat(AttackStack.delete("/v1/streams/late").statusCode()).isEqualTo(204);

        // When embeddings of it arrive after the deletion, and then a witness stream's
        try (KafkaConsumer<String, MemorySnapshot> memory = memoryReader();
                KafkaProducer<String, FrameEmbedding> encoder = embeddingWriter()) {
            Thread.sleep(2_000); // the deletion is in the memory job (a checkpoint later)
            for (long seq = 100; seq < 110; seq++) {
                encoder.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), "late", embedding("late", seq, incarnation))).get();
            }
            String witness = samePartitionAs("late");
            for (long seq = 0; seq < 3; seq++) {
                encoder.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), witness, embedding(witness, seq, 0))).get();
            }

            // Then the witness gets a memory, the deleted stream none
            List<MemorySnapshot> ofDeleted = new ArrayList<>();
            boolean witnessSeen = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!witnessSeen && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, MemorySnapshot> record : memory.poll(Duration.ofMillis(500))) {
                    if (record.key().equals("late") && record.value() != null) {
                        ofDeleted.add(record.value());
                    }
                    witnessSeen |= record.key().equals(witness) && record.value() != null;
                }
            }
            assertThat(witnessSeen).as("the memory job took in what came after the late embeddings").isTrue();
            assertThat(ofDeleted).as("snapshots of the deleted stream after its deletion").isEmpty();
        }
    }

    /**
     * A fresh stream id on the same lw.embeddings partition as {@code streamId} (Kafka's default
     * partitioner over the stack's 4 partitions): the memory job reads one partition in order, so
     * its snapshot comes after the late embeddings were taken in.
     */
    private static String samePartitionAs(String streamId) {
        int target = partition(streamId);
        while (true) {
            String id = "witness-" + UUID.randomUUID().toString().substring(0, 8);
            if (partition(id) == target) {
                return id;
            }
        }
    }

    private static int partition(String key) {
        byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(bytes)) % 4;
    }

    /** Reads lw.memory from its end as it is now: what the memory job writes from here on. */
    private static KafkaConsumer<String, MemorySnapshot> memoryReader() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, AttackStack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "late-embeddings-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, MemorySnapshot> consumer = new KafkaConsumer<>(
                props, Topics.MEMORY.keySerde().deserializer(), Topics.MEMORY.valueSerde().deserializer());
        consumer.subscribe(List.of(Topics.MEMORY.name()));
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        return consumer;
    }

    private static KafkaProducer<String, FrameEmbedding> embeddingWriter() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, AttackStack.bootstrapServers());
        return new KafkaProducer<>(props, Topics.EMBEDDINGS.keySerde().serializer(), Topics.EMBEDDINGS.valueSerde().serializer());
    }

    static FrameEmbedding embedding(String streamId, long seq, long incarnation) {
        float[] values = new float[4 * 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(seq * 31 + i);
        }
        return FrameEmbedding.newBuilder()
                .setStreamId(streamId)
                .setSeq(seq)
                .setPtsMs(seq * 1000)
                .setWallMs(System.currentTimeMillis())
                .setEncoderId("attack")
                .setTokens(4)
                .setDim(8)
                .setDtype(DType.F32)
                .setData(TokenCodec.encode(values, DType.F32))
                .setIncarnation(incarnation)
                .build();
    }
}
