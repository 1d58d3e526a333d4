package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestMainTest {
    @Test
    void shouldListTheVariablesItsSettingsAndEndpointsRead() {
        assertThat(IngestMain.environmentVariables())
                .contains(
                        "LONGWATCH_BOOTSTRAP_SERVERS",
                        "LONGWATCH_INGEST_INSTANCE_ID",
                        "LONGWATCH_INGEST_GROUP",
                        "LONGWATCH_INGEST_MAX_STREAMS",
                        "LONGWATCH_METRICS_HOST",
                        "LONGWATCH_METRICS_PORT")
                .allSatisfy(name -> assertThat(name).startsWith("LONGWATCH_"));
    }
}
