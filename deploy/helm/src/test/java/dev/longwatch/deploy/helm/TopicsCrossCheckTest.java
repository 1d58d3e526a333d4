package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The chart's KafkaTopics are exactly schema's topic registry, configs included. */
class TopicsCrossCheckTest {
    static final List<Chart.Values> VALUES = Chart.ALL_VALUES;

    @ParameterizedTest
    @FieldSource("VALUES")
    void shouldRenderOneKafkaTopicPerRegistryTopicWithItsConfigs(Chart.Values values) {
        TypedDocuments documents = TypedDocuments.of(Chart.render(values));
        Map<String, Map<String, String>> rendered = new TreeMap<>();
        for (KafkaTopic topic : documents.of(KafkaTopic.class)) {
            Map<String, String> configs = new TreeMap<>();
            topic.getSpec().getConfig().forEach((key, value) -> configs.put(key, String.valueOf(value)));
            assertThat(rendered.put(topic.getSpec().getTopicName(), configs)).as("topic rendered twice").isNull();
        }
        Map<String, Map<String, String>> registry = Topics.ALL.stream()
                .collect(Collectors.toMap(Topic::name, topic -> new TreeMap<>(topic.configs()), (a, b) -> a, TreeMap::new));
        assertThat(rendered).isEqualTo(registry);

        int partitions = values.merged().path("kafka").path("topics").path("partitions").asInt();
        String cluster = documents.of(Kafka.class).get(0).getMetadata().getName();
        assertThat(documents.of(KafkaTopic.class)).allSatisfy(topic -> {
            assertThat(topic.getSpec().getPartitions()).isEqualTo(partitions);
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
        });
    }

    @Test
    void shouldLeaveTopicsToTheUsersClusterWhenTheChartMakesNoKafka() {
        String rendered = Chart.helm().template().withName(Chart.RELEASE)
                .set("kafka.create", "false").set("kafka.bootstrapServers", "kafka.shared:9092").call();
        TypedDocuments documents = TypedDocuments.of(Chart.documents(rendered));
        assertThat(documents.of(KafkaTopic.class)).isEmpty();
        assertThat(documents.of(Kafka.class)).isEmpty();
        assertThat(rendered).contains("kafka.shared:9092");
    }
}
