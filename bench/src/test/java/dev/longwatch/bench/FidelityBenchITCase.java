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
 * 3-minute montages of their shots, a generated video of 5 scenes, and one 12-minute montage
 * through chapters of 2 minutes with windows of 3 minutes and of all of it.
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
                "--minutes", "3", "--orders", "2", "--max-scene", "40", "--generated-scenes", "5", "--slots", "10",
                "--hours", "0.2", "--hour-orders", "1", "--windows", "3,12", "--windows-per-length", "2", "--chapter-sec", "120",
                "--cache", dir.resolve("cache").toString());

        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode strategies = report.path("strategies");
        List<String> names = new ArrayList<>();
        strategies.forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).containsExactly("fifo", "uniform", "stpool", "adaptive-pool", "slowfast", "mbc", "mbc-token", "boundary");
        for (JsonNode s : strategies) {
            assertThat(s.path("slots").asInt()).isEqualTo(10);
            assertThat(s.path("slotsKept").asInt()).as("every strategy uses its whole budget: %s", s.path("name")).isEqualTo(10);
            assertThat(s.path("keyframeRecall").asDouble()).isBetween(0.0, 1.0);
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
        // The same encoder on the same recorded orders: both banks keep far more scenes than fifo
        // (with uniform at 7 of its 10 slots, mbc and uniform both measured 0.857 pooled here).
        assertThat(recall(strategies, "mbc")).isGreaterThan(recall(strategies, "fifo") + 0.3);
        assertThat(recall(strategies, "boundary")).isGreaterThan(recall(strategies, "fifo") + 0.3);

        // The headline pools every dataset: its scenes are all of theirs.
        int allScenes = 0;
        for (JsonNode dataset : datasets) {
            allScenes += dataset.path("report").path("scenes").asInt();
        }
        JsonNode headline = report.path("headline");
        assertThat(headline).hasSize(8);
        double boundaryKept = 0;
        for (JsonNode dataset : datasets) {
            boundaryKept += recall(dataset.path("report").path("strategies"), "boundary") * dataset.path("report").path("scenes").asInt();
        }
        assertThat(recall(headline, "boundary")).isCloseTo(Math.round(boundaryKept) / (double) allScenes, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(report.path("montageSpread").get(0).path("sceneRecall").path("max").isNumber()).isTrue();

        // The product's path: each window length has its references and each rule, through
        // chapters and alone; the longest window is the whole montage, once.
        JsonNode windows = report.path("windows");
        assertThat(windows.path("chapterSec").asLong()).isEqualTo(120);
        JsonNode lengths = windows.path("lengths");
        assertThat(lengths).hasSize(2);
        assertThat(lengths.get(0).path("windowsPerMontage").asInt()).isEqualTo(2);
        assertThat(lengths.get(1).path("windowsPerMontage").asInt()).isEqualTo(1);
        for (JsonNode length : lengths) {
            List<String> rows = new ArrayList<>();
            length.path("rows").forEach(r -> rows.add(r.path("name").asText()));
            assertThat(rows).containsExactly("uniform", "equal-spans", "mbc", "mbc-alone", "boundary", "boundary-alone");
            for (JsonNode row : length.path("rows")) {
                assertThat(row.path("sceneRecall").asDouble()).isBetween(0.0, 1.0);
                assertThat(row.path("slotsShown").asDouble()).isBetween(1.0, 10.0);
                assertThat(row.path("perOrder")).hasSize(1);
                assertThat(row.path("sceneRecallSpread").path("min").isNumber()).isTrue();
            }
        }
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
