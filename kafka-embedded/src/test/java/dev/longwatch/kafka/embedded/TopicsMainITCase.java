package dev.longwatch.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.schema.KafkaClientProperties;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose stack's one-shot topic creator against a real KRaft broker. */
class TopicsMainITCase {
    @TempDir Path dir;

    @Test
    void shouldCreateEveryTopicAndPutBackTheRegistrysConfigsOnOnesThatExist() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // Given lw.frames made by hand with a retention of its own and 1 partition
            admin.createTopics(List.of(new NewTopic(Topics.FRAMES.name(), 1, (short) 1)
                    .configs(Map.of("retention.ms", "1000")))).all().get();

            TopicsMain.apply(new TopicsMain.Config(kafka.bootstrapServers(), KafkaClientProperties.none(), 3, (short) 1, Duration.ofSeconds(30)));

            assertThat(admin.listTopics().names().get())
                    .containsAll(Topics.ALL.stream().map(Topic::name).toList());
            for (Topic<?, ?> topic : Topics.ALL) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                Config actual = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                topic.configs().forEach((key, value) ->
                        assertThat(actual.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
            }
            // New topics get the partitions asked for; an existing one keeps its own
            assertThat(partitions(admin, Topics.EMBEDDINGS.name())).isEqualTo(3);
            assertThat(partitions(admin, Topics.FRAMES.name())).isEqualTo(1);
        }
    }

    @Test
    void shouldNameAMalformedVariable() {
        assertThatThrownBy(() -> TopicsMain.Config.from(Map.of("LONGWATCH_TOPICS_PARTITIONS", "four")))
                .hasMessageContaining("LONGWATCH_TOPICS_PARTITIONS");
        assertThatThrownBy(() -> TopicsMain.Config.from(Map.of("LONGWATCH_TOPICS_REPLICATION", "0")))
                .hasMessageContaining("LONGWATCH_TOPICS_REPLICATION");
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }
}
