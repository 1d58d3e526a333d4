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
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --data-dir} of an earlier {@code ./longwatch up}, whose broker was Kafka's test kit,
 * reopens with Kafka's own server: the topics and records it held are still there.
 */
class EmbeddedKafkaTestKitUpgradeITCase {
    private static final String TOPIC = "before-the-upgrade";

    @TempDir Path dir;

    @Test
    void shouldReopenTheLogsTheTestKitWrote() throws Exception {
        Path base = dir.resolve("kafka");
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        // What EmbeddedKafka did before: one combined node under base, the cluster id beside it.
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setClusterId(clusterId)
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(base)
                .build();
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setDeleteOnClose(false)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .build()) {
            cluster.format();
            java.nio.file.Files.writeString(base.resolve(EmbeddedKafka.CLUSTER_ID_FILE), clusterId);
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "camera-1", "kept")).get();
            }
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(base, 1)) {
            assertThat(readAll(kafka.bootstrapServers())).containsExactly("camera-1=kept");
        }
    }

    private static List<String> readAll(String bootstrap) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.key() + "=" + record.value());
                }
            }
        }
        return values;
    }
}
