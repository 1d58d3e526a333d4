package dev.longwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {
    @Test
    void shouldMapEveryLongwatchKafkaVariableToItsClientSetting() {
        KafkaClientProperties properties = KafkaClientProperties.fromEnvironment(Map.of(
                "LONGWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LONGWATCH_KAFKA_SASL_MECHANISM", "PLAIN",
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", " /etc/longwatch/truststore.p12 ",
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD", "",
                "LONGWATCH_BOOTSTRAP_SERVERS", "kafka:9093",
                "PATH", "/usr/bin"));

        assertThat(properties.values()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("ssl.truststore.location", "/etc/longwatch/truststore.p12"));
    }

    @Test
    void shouldLetTheServicesOwnSettingsWin() {
        KafkaClientProperties properties = new KafkaClientProperties(Map.of(
                "security.protocol", "SSL", "bootstrap.servers", "elsewhere:9092"));

        Map<String, Object> config = properties.clientConfig("kafka:9093");
        config.put("enable.idempotence", true);

        assertThat(config).containsOnly(
                Map.entry("security.protocol", "SSL"),
                Map.entry("bootstrap.servers", "kafka:9093"),
                Map.entry("enable.idempotence", true));
    }

    @Test
    void shouldRefuseANameThatIsNoClientSettingNamingTheVariable() {
        assertThatThrownBy(() -> KafkaClientProperties.fromEnvironment(
                        Map.of("LONGWATCH_KAFKA_SASL_MECHANISMS", "PLAIN")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LONGWATCH_KAFKA_SASL_MECHANISMS")
                .hasMessageContaining("sasl.mechanisms");
    }

    @Test
    void shouldKeepSecretsOutOfItsDescription() {
        KafkaClientProperties properties = new KafkaClientProperties(Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"hunter2\";",
                "ssl.truststore.password", "hunter2",
                "security.protocol", "SASL_SSL"));

        assertThat(properties.toString()).doesNotContain("hunter2").contains("SASL_SSL");
    }

    @Test
    void shouldNameTheVariableOfAProperty() {
        assertThat(KafkaClientProperties.variableOf("sasl.jaas.config")).isEqualTo("LONGWATCH_KAFKA_SASL_JAAS_CONFIG");
        assertThat(KafkaClientProperties.propertyOf("LONGWATCH_KAFKA_SASL_JAAS_CONFIG")).isEqualTo("sasl.jaas.config");
    }
}
