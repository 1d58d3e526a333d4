package dev.longwatch.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./longwatch up --data-dir D}: what the broker held before a restart is there after it. */
class EmbeddedKafkaRestartITCase {
    private static final String TOPIC = "restart-check";

    @TempDir Path dir;

    @Test
    void shouldKeepTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
        Path base = dir.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(base, 1)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(TOPIC, "camera-1", "before the restart")).get();
            }
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(base, 1)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(readAll(kafka)).containsExactly("camera-1=before the restart");
        }
    }

    @Test
    void shouldFormatAFreshDirectoryOnFirstUse() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("fresh"), 1);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(TOPIC);
        }
        assertThat(dir.resolve("fresh").resolve(EmbeddedKafka.CLUSTER_ID_FILE)).isRegularFile();
        // Kafka's own server on the configuration an operator would write for kafka-server-start.sh
        assertThat(dir.resolve("fresh").resolve(EmbeddedKafka.CONFIG_FILE))
                .content()
                .contains("process.roles=broker,controller", "offsets.topic.replication.factor=1")
                .containsPattern("(?m)^listeners=PLAINTEXT://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:\\d+$");
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer());
    }

    private static List<String> readAll(EmbeddedKafka kafka) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.key() + "=" + record.value());
                }
            }
        }
        return values;
    }
}
