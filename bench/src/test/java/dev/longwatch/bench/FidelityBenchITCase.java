package dev.longwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of {@code ./longwatch bench fidelity}: MobileNetV2 over the shared clips, two
 * 3-minute montages of their shots and a generated video of 5 scenes.
 */
class FidelityBenchITCase {
    private static final Path SHARED = Path.of(System.getProperty("longwatch.shared", "../shared"));

    @TempDir Path dir;

    @Test
    void shouldScoreEveryStrategyOnRecordedMontagesAndAGeneratedVideo() throws Exception {
        Path json = dir.resolve("fidelity.json");

        int exit = new CommandLine(new BenchCommand()).execute(
                "fidelity", "--json", json.toString(),
                "--clips", SHARED.resolve("data/video").toString(),
                "--model", SHARED.resolve("data/models/mobilenetv2-12-int8.onnx").toString(),
                "--minutes", "3", "--orders", "2", "--max-scene", "40", "--generated-scenes", "5", "--slots", "10");

        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode strategies = report.path("strategies");
        List<String> names = new ArrayList<>();
        strategies.forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).containsExactly("fifo", "uniform", "stpool", "adaptive-pool", "slowfast", "mbc");
        for (JsonNode s : strategies) {
            assertThat(s.path("slots").asInt()).isEqualTo(10);
            assertThat(s.path("sceneRecall").asDouble()).isBetween(0.0, 1.0);
            assertThat(s.path("spanErrorSec").isNumber()).as("spanErrorSec of %s", s.path("name")).isTrue();
        }
        JsonNode datasets = report.path("datasets");
        assertThat(datasets).hasSize(4);
        for (int k = 0; k < 2; k++) {
            JsonNode montage = datasets.get(k);
            assertThat(montage.path("seed").asLong()).isEqualTo(20261122L + k);
            JsonNode order = montage.path("order");
            int scenes = montage.path("report").path("scenes").asInt();
            assertThat(order).hasSize(scenes);
            long endMs = 0;
            for (JsonNode occurrence : order) {
                assertThat(occurrence.path("startMs").asLong()).isEqualTo(endMs); // scenes tile the montage
                assertThat(occurrence.path("lengthMs").asLong()).isBetween(20_000L, 40_000L);
                endMs += occurrence.path("lengthMs").asLong();
            }
            assertThat(endMs).isGreaterThanOrEqualTo(180_000L);
        }
        // Scenes are shots of the shared clips, named by file (and start, for a clip of several shots).
        assertThat(datasets.get(0).path("order").get(0).path("shot").asText()).contains(".mp4").doesNotContain("/");
        assertThat(report.path("groundTruth").asText()).contains("shot");
        assertThat(datasets.get(2).path("name").asText()).startsWith("shared-clip-shots-natural-length-");
        // The headline is the two montages pooled (scenes kept over all their scenes), not any
        // other dataset.
        for (JsonNode s : strategies) {
            String name = s.path("name").asText();
            double kept = 0;
            int scenes = 0;
            for (int k = 0; k < 2; k++) {
                JsonNode montage = datasets.get(k).path("report");
                kept += recall(montage.path("strategies"), name) * montage.path("scenes").asInt();
                scenes += montage.path("scenes").asInt();
            }
            assertThat(s.path("sceneRecall").asDouble()).as("pooled recall of %s", name)
                    .isCloseTo(Math.round(kept) / (double) scenes, org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(datasets.get(3).path("name").asText()).isEqualTo("generated-5-scenes");
        assertThat(datasets.get(3).path("report").path("scenes").asInt()).isEqualTo(5);
        // The same encoder on the same recorded orders: MBC keeps at least as many scenes as
        // uniform sampling and far more than fifo (measured: 0.857, 0.857 and 0.143 pooled).
        assertThat(recall(strategies, "mbc")).isGreaterThanOrEqualTo(recall(strategies, "uniform"));
        assertThat(recall(strategies, "mbc")).isGreaterThan(recall(strategies, "fifo") + 0.3);
    }

    private static double recall(JsonNode strategies, String name) {
        for (JsonNode s : strategies) {
            if (s.path("name").asText().equals(name)) {
                return s.path("sceneRecall").asDouble();
            }
        }
        throw new AssertionError("no strategy " + name);
    }
}
