package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.kafka.ControlRecords;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records on {@code lw.streams} that are not stream specs (garbage, a record at the topic's size
 * limit, a key that is no stream id) go to {@code lw.dlq} with the reason and their coordinates,
 * and the spec written after them is ingested all the same.
 */
class ControlPlanePoisonITCase {
    @TempDir Path dir;

    @Test
    void shouldDeadLetterPoisonIncludingARecordAtTheSizeLimitAndGoOn() throws Exception {
        assumeTrue(Files.isReadable(DeadCamerasITCase.CLIP), "shared clip missing");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1)) {
            TopicAdmin.createAll(kafka.bootstrapServers(), 1, (short) 1);
            byte[] atLimit = new byte[Topics.MAX_MESSAGE_BYTES - 1024];
            Arrays.fill(atLimit, (byte) 0xff); // a protobuf tag no message has
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES + 65536),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(Topics.STREAMS.name(), bytes("garbage"), new byte[] {(byte) 0xff, 1, 2})).get();
                raw.send(new ProducerRecord<>(Topics.STREAMS.name(), bytes("huge"), atLimit)).get();
                raw.send(new ProducerRecord<>(Topics.STREAMS.name(), bytes("no spaces allowed"), new byte[0])).get();
            }
            try (KafkaProducer<String, dev.longwatch.schema.proto.StreamSpec> producer = DeadCamerasITCase.producer(kafka)) {
                DeadCamerasITCase.send(producer, "after-poison", DeadCamerasITCase.CLIP.toString());
            }
            IngestSettings settings = IngestSettings.defaults(kafka.bootstrapServers())
                    .withInstanceId("ingest-poison")
                    .withMediaRoots(List.of(DeadCamerasITCase.CLIP.getParent()));
            try (IngestService ingest = new IngestService(settings, new SimpleMeterRegistry())) {
                ingest.start();
                Map<String, StreamStatus> statuses = DeadCamerasITCase.awaitStatuses(kafka, Duration.ofSeconds(60),
                        m -> m.containsKey("after-poison") && m.get("after-poison").getState() == StreamState.COMPLETED);
                assertThat(statuses.get("after-poison").getState()).isEqualTo(StreamState.COMPLETED);
            }
            List<ConsumerRecord<byte[], DeadLetter>> letters = deadLetters(kafka, 3);
            assertThat(letters).hasSize(3);
            DeadLetter garbage = letters.get(0).value();
            assertThat(garbage.getSourceTopic()).isEqualTo(Topics.STREAMS.name());
            assertThat(garbage.getOffset()).isEqualTo(0);
            assertThat(garbage.getComponent()).isEqualTo("ingest");
            assertThat(garbage.getReason()).startsWith("not a StreamSpec");
            assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            DeadLetter huge = letters.get(1).value();
            assertThat(huge.getOffset()).isEqualTo(1);
            assertThat(huge.getReason()).startsWith("oversized: " + atLimit.length + " bytes");
            assertThat(huge.getValueSize()).isEqualTo(atLimit.length);
            assertThat(huge.getTruncated()).isTrue();
            assertThat(huge.getValue().size()).isEqualTo(DeadLetters.MAX_VALUE_BYTES);
            DeadLetter badKey = letters.get(2).value();
            assertThat(badKey.getReason()).startsWith("key is not a valid stream id");
            assertThat(ControlRecords.MAX_SPEC_BYTES).isLessThan(atLimit.length);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], DeadLetter>> deadLetters(EmbeddedKafka kafka, int expected) {
        List<ConsumerRecord<byte[], DeadLetter>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], DeadLetter> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES + 65536),
                new ByteArrayDeserializer(), Topics.DLQ.valueSerde().deserializer())) {
            TopicPartition p = new TopicPartition(Topics.DLQ.name(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
