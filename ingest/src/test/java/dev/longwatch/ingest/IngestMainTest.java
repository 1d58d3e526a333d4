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
                        "LONGWATCH_INGEST_MAX_NETWORK_STREAMS",
                        "LONGWATCH_INGEST_MAX_UNFINISHED_ATTEMPTS",
                        "LONGWATCH_INGEST_MAX_PIXELS",
                        "LONGWATCH_MEDIA_ROOTS",
                        "LONGWATCH_ALLOW_NETWORKS",
                        "LONGWATCH_DENY_NETWORKS",
                        "LONGWATCH_METRICS_HOST",
                        "LONGWATCH_METRICS_PORT")
                .allSatisfy(name -> assertThat(name).startsWith("LONGWATCH_"));
    }
}
