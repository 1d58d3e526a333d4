package dev.longwatch.encoder.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape of the benchmark's JSON, from very short rounds; the figures themselves are not judged. */
class EncoderBenchmarkTest {
    private static final Path MODEL = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/models/mobilenetv2-12-int8.onnx").toAbsolutePath().normalize();

    @Test
    void shouldWriteOneResultPerBatchWithTheRatioToTheBareSession(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(MODEL), "model weights not present: " + MODEL);
        Path json = dir.resolve("out/bench.json");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        EncoderBenchmark.run(MODEL, json, new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofMillis(20));
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode results = root.get("results");
        assertThat(results).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode result = results.get(i);
            assertThat(result.get("backend").asText()).isEqualTo("onnx");
            assertThat(result.get("batch").asInt()).isEqualTo(EncoderBenchmark.BATCHES[i]);
            double fps = result.get("framesPerSec").asDouble();
            double raw = result.get("rawFramesPerSec").asDouble();
            assertThat(fps).isPositive();
            assertThat(raw).isPositive();
            assertThat(result.get("ratio").asDouble()).isCloseTo(fps / raw, org.assertj.core.api.Assertions.within(0.01));
        }
        JsonNode workerPath = root.get("workerPath");
        assertThat(workerPath).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(workerPath.get(i).get("batch").asInt()).isEqualTo(EncoderBenchmark.BATCHES[i]);
            assertThat(workerPath.get(i).get("framesPerSec").asDouble()).isPositive();
            assertThat(workerPath.get(i).get("rawFramesPerSec").asDouble())
                    .isEqualTo(results.get(i).get("rawFramesPerSec").asDouble());
        }
        for (String part : new String[] {"preprocessCpuMsPerFrame", "decodeCpuMsPerFrame", "packCpuMsPerFrame"}) {
            assertThat(root.get(part).asDouble()).as(part).isPositive();
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("batch 16:", "worker path");
    }
}
