package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderSettingsTest {
    @Test
    void shouldUseTheDocumentedDefaultsForAnEmptyEnvironment() {
        EncoderSettings settings = EncoderSettings.fromEnvironment(Map.of(), "host-1");
        assertThat(settings.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(settings.groupId()).isEqualTo("longwatch-encoder");
        assertThat(settings.transactionalId()).isEqualTo("longwatch-encoder-host-1");
        assertThat(settings.maxBatch()).isEqualTo(32);
        assertThat(settings.maxBatchDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.grid()).isEqualTo(8);
    }

    @Test
    void shouldReadEveryVariable() {
        EncoderSettings settings = EncoderSettings.fromEnvironment(Map.of(
                        "LONGWATCH_BOOTSTRAP_SERVERS", "kafka:9092",
                        "LONGWATCH_ENCODER_GROUP", "encoders",
                        "LONGWATCH_ENCODER_TRANSACTIONAL_ID", "encoder-7",
                        "LONGWATCH_ENCODER_MAX_BATCH", "4",
                        "LONGWATCH_ENCODER_MAX_BATCH_DELAY_MS", "0",
                        "LONGWATCH_ENCODER_GRID", "12"),
                "ignored");
        assertThat(settings).isEqualTo(new EncoderSettings(
                "kafka:9092", "encoders", "encoder-7", 4, Duration.ofMillis(200), 12, Duration.ZERO));
    }

    @Test
    void shouldGiveTheKafkaClientSettingsToItsConsumerAndProducer() {
        EncoderSettings settings = EncoderSettings.fromEnvironment(Map.of(
                        "LONGWATCH_BOOTSTRAP_SERVERS", "kafka:9093",
                        "LONGWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "LONGWATCH_KAFKA_ISOLATION_LEVEL", "read_uncommitted"),
                "h");
        assertThat(EncoderWorker.consumerProperties(settings))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "kafka:9093")
                // The worker's own settings win: it must never read aborted frames.
                .containsEntry("isolation.level", "read_committed");
        assertThat(EncoderWorker.producerProperties(settings)).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldNameTheVariableThatDoesNotParse() {
        assertThatThrownBy(() -> EncoderSettings.fromEnvironment(Map.of("LONGWATCH_ENCODER_MAX_BATCH", "lots"), "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LONGWATCH_ENCODER_MAX_BATCH must be a whole number, was 'lots'");
        assertThatThrownBy(() -> EncoderSettings.fromEnvironment(Map.of("LONGWATCH_ENCODER_MAX_BATCH", "0"), "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatch must be at least 1");
    }

    @Test
    void shouldUseTheTransactionalIdAsTheStaticGroupMember() {
        EncoderSettings settings = EncoderSettings.fromEnvironment(
                Map.of("LONGWATCH_ENCODER_TRANSACTIONAL_ID", "encoder-3"), "h");
        assertThat(EncoderWorker.consumerProperties(settings))
                .containsEntry("group.instance.id", "encoder-3")
                .containsEntry("isolation.level", "read_committed");
        assertThat(EncoderWorker.producerProperties(settings)).containsEntry("transactional.id", "encoder-3");
    }
}
