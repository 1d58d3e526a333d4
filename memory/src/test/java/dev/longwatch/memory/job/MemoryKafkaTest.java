package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.config.MemoryOptions;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Map;

class MemoryKafkaTest {
    @Test
    void shouldPassEveryKafkaPropertiesOptionToTheClientsWithoutItsPrefix() {
        Configuration options = new Configuration();
        options.set(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS, "kafka:9093");
        options.setString("memory.kafka.properties.security.protocol", "SASL_SSL");
        options.setString("memory.kafka.properties.sasl.mechanism", "SCRAM-SHA-512");

        assertThat(MemoryKafka.clientProperties(options))
                .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
    }
}
