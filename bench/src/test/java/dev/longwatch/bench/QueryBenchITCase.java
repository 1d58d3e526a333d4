package dev.longwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short run of {@code ./longwatch bench query}: the embedded stack, small windows, a few asks and events. */
class QueryBenchITCase {
    @TempDir Path dir;

    @Test
    void shouldWriteAskAndEventLatenciesAsJson() throws Exception {
        Path json = dir.resolve("query.json");

        int exit = new CommandLine(new BenchCommand()).execute(
                "query", "--json", json.toString(), "--asks", "5", "--hours", "0.05,0.2",
                "--event-seconds", "12", "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        for (String field : new String[] {"askP50Ms", "askP99Ms", "eventP50Ms", "eventP99Ms"}) {
            assertThat(report.path(field).isNumber()).as(field).isTrue();
            assertThat(report.path(field).asDouble()).as(field).isPositive();
        }
        assertThat(report.path("askP99Ms").asDouble()).isGreaterThanOrEqualTo(report.path("askP50Ms").asDouble());
        assertThat(report.path("windowHours").asDouble()).isEqualTo(0.2);
        assertThat(report.path("events").asInt()).isPositive();
        assertThat(report.path("results")).hasSize(2);
        // 0.2 h is 720 frames at 1 fps: one 600 s chapter sealed, the rest in the live bank
        assertThat(report.path("results").get(1).path("chapters").asInt()).isEqualTo(1);
        assertThat(report.path("results").get(1).path("frames").asLong()).isEqualTo(720);
    }
}
