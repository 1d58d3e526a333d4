package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderWorkerMainTest {
    @Test
    void shouldListTheVariablesOfTheWorkerTheEncoderAndTheEndpoints() {
        assertThat(EncoderWorkerMain.environmentVariables())
                .contains(
                        "LONGWATCH_BOOTSTRAP_SERVERS",
                        "LONGWATCH_ENCODER_TRANSACTIONAL_ID",
                        "LONGWATCH_ENCODER_BACKEND",
                        "LONGWATCH_ENCODER_MODEL",
                        "LONGWATCH_METRICS_PORT")
                .allSatisfy(name -> assertThat(name).startsWith("LONGWATCH_"));
    }

    @Test
    void shouldNameAMalformedMetricsPort() {
        assertThatThrownBy(() -> EncoderWorkerMain.configFrom(Map.of("LONGWATCH_METRICS_PORT", "http"), "host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LONGWATCH_METRICS_PORT");
    }
}
