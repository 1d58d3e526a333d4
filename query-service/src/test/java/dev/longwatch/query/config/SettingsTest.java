package dev.longwatch.query.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void shouldRunWithoutModelWhenNoUrlIsSet() {
        LlmSettings llm = LlmSettings.fromEnv(Map.of(LlmSettings.ENV_MODEL, "qwen2.5-vl"));

        assertThat(llm.configured()).isFalse();
        assertThat(llm.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(llm.maxRetries()).isEqualTo(2);
    }

    @Test
    void shouldReadModelSettingsAndKeepTheKeyOutOfToString() {
        LlmSettings llm =
                LlmSettings.fromEnv(
                        Map.of(
                                LlmSettings.ENV_URL, " http://localhost:8000/v1 ",
                                LlmSettings.ENV_MODEL, "qwen2.5-vl",
                                LlmSettings.ENV_API_KEY, "sk-secret",
                                LlmSettings.ENV_TIMEOUT_S, "2.5",
                                LlmSettings.ENV_MAX_RETRIES, "0"));

        assertThat(llm.url()).contains("http://localhost:8000/v1");
        assertThat(llm.model()).isEqualTo("qwen2.5-vl");
        assertThat(llm.apiKey()).isEqualTo("sk-secret");
        assertThat(llm.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(llm.maxRetries()).isZero();
        assertThat(llm.toString()).doesNotContain("sk-secret");
    }

    @Test
    void shouldExplainBadNumbers() {
        assertThatThrownBy(() -> LlmSettings.fromEnv(Map.of(LlmSettings.ENV_TIMEOUT_S, "soon")))
                .hasMessageContaining(LlmSettings.ENV_TIMEOUT_S);
        assertThatThrownBy(() -> QueryServiceSettings.fromEnv(Map.of(QueryServiceSettings.ENV_PORT, "80a")))
                .hasMessageContaining(QueryServiceSettings.ENV_PORT);
    }

    @Test
    void shouldGiveTheKafkaClientSettingsToBothStreamsAppsAndItsClients() {
        QueryServiceSettings settings = QueryServiceSettings.fromEnv(Map.of(
                "LONGWATCH_BOOTSTRAP_SERVERS", "kafka:9093",
                "LONGWATCH_KAFKA_SECURITY_PROTOCOL", "SSL",
                "LONGWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.p12"));

        assertThat(settings.kafkaConnection())
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/ca.p12");
        assertThat(dev.longwatch.query.views.ViewsTopology.streamsConfig(settings))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("application.id", QueryServiceSettings.DEFAULT_APPLICATION_ID);
        assertThat(dev.longwatch.query.subscriptions.StandingQuestionsTopology.streamsConfig(settings))
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldDefaultToLoopbackPort8080() {
        QueryServiceSettings settings = QueryServiceSettings.fromEnv(Map.of());

        assertThat(settings.bindHost()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.applicationId()).isEqualTo("longwatch-query");
        assertThat(settings.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(settings.llm().configured()).isFalse();
    }
}
