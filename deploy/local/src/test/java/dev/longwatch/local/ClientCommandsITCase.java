package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.config.LlmSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./longwatch ingest} and {@code ./longwatch ask} against a running embedded stack. */
class ClientCommandsITCase {
    private static final Path CLIP = Path.of("../../../shared/data/video/videollama-dog_barking.mp4").toAbsolutePath().normalize();

    @Test
    void shouldIngestAFileUntilItIsInMemoryThenAnswerAboutIt(@TempDir Path dataDir) throws Exception {
        LocalStackSettings settings =
                LocalStackSettings.defaults(dataDir).withHttpPort(0).withSlots(5).withLlm(LlmSettings.none())
                        .withMediaRoots(List.of(CLIP.getParent()));
        try (LocalStack stack = LocalStack.start(settings)) {
            String server = stack.httpBase().toString();

            int ingested = new CommandLine(new LongwatchCli()).execute("ingest", CLIP.toString(), "--stream", "dog", "--server", server);
            assertThat(ingested).isZero();
            JsonNode stream = new ApiClient(stack.httpBase()).get("/v1/streams/dog").json();
            assertThat(stream.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(stream.path("framesInMemory").asLong()).isEqualTo(stream.path("framesProduced").asLong()).isPositive();

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream stdout = System.out;
            int asked;
            try {
                System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
                asked = new CommandLine(new LongwatchCli()).execute("ask", "dog", "Is there a dog?", "--server", server, "--json");
            } finally {
                System.setOut(stdout);
            }
            assertThat(asked).isZero();
            List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
            JsonNode answer = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            assertThat(answer.path("evidence").size()).isBetween(1, 5);

            int missing = new CommandLine(new LongwatchCli()).execute("ingest", "/no/such/file.mp4", "--stream", "none", "--server", server);
            assertThat(missing).isEqualTo(2);

            // And the stack's ingest and encoder meters are scraped like a deployment's would be
            ApiClient endpoints = new ApiClient(java.net.URI.create(stack.metricsBase()));
            assertThat(endpoints.get("/healthz").status()).isEqualTo(200);
            assertThat(endpoints.get("/metrics").body())
                    .contains("lw_ingest_frames_total{stream=\"dog\"} " + stream.path("framesProduced").asLong() + ".0");
            // And the memory job's, from Flink's Prometheus reporter
            assertThat(new ApiClient(java.net.URI.create(stack.flinkMetricsBase())).get("/metrics").body())
                    .contains("flink_taskmanager_job_task_operator_framesDeadLettered")
                    .contains("flink_jobmanager_job_numberOfCompletedCheckpoints");
        }
    }
}
