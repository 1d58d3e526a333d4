package dev.longwatch.memory.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.longwatch.memory.strategy.MemorySlot;
import dev.longwatch.memory.strategy.StrategyInput;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

class FidelityBenchmarkTest {
    private static final int TOKENS = 16;
    private static final int DIM = 32;
    private static final long FRAME_MS = 1000;
    /** Long and short scenes: fifo forgets the old ones, uniform sampling skips the short ones. */
    private static final int[] SCENE_FRAMES = {40, 5, 30, 6, 50, 4, 25, 8, 35, 7};

    @Test
    void shouldScoreMemoryBankAboveFifoAndUniformOnKnownScenes(@TempDir Path dir) throws Exception {
        List<StrategyInput> frames = new ArrayList<>();
        List<Scene> scenes = new ArrayList<>();
        synthesize(frames, scenes);
        Path json = dir.resolve("fidelity.json");

        FidelityBenchmark.Report report =
                FidelityBenchmark.run(json, new PrintStream(new ByteArrayOutputStream()), frames, scenes, 16);

        Map<String, FidelityBenchmark.StrategyScore> byName =
                report.strategies().stream()
                        .collect(Collectors.toMap(FidelityBenchmark.StrategyScore::name, s -> s));
        assertThat(byName).containsOnlyKeys("fifo", "uniform", "stpool", "adaptive-pool", "slowfast", "mbc");
        assertThat(byName.get("mbc").sceneRecall()).isEqualTo(1.0);
        assertThat(byName.get("mbc").sceneRecall()).isGreaterThan(byName.get("fifo").sceneRecall());
        assertThat(byName.get("mbc").sceneRecall()).isGreaterThan(byName.get("uniform").sceneRecall());
        assertThat(byName.get("mbc").spanErrorSec()).isLessThan(byName.get("fifo").spanErrorSec());
        assertThat(byName.get("mbc").spanErrorSec()).isLessThan(byName.get("uniform").spanErrorSec());

        JsonNode written = new ObjectMapper().readTree(json.toFile());
        assertThat(written.get("strategies")).hasSize(6);
        assertThat(written.get("strategies").get(0).fieldNames())
                .toIterable()
                .contains("name", "slots", "sceneRecall", "spanErrorSec");
    }

    @Test
    void shouldCountOnlySlotsWhollyInsideAScene() {
        List<Scene> scenes = List.of(new Scene(0, 10_000), new Scene(10_000, 20_000));
        List<MemorySlot> straddling = List.of(slot(8_000, 12_000));
        List<MemorySlot> inside = List.of(slot(0, 9_000), slot(10_000, 19_999));

        assertThat(SceneFidelity.sceneRecall(straddling, scenes)).isZero();
        assertThat(SceneFidelity.sceneRecall(inside, scenes)).isEqualTo(1.0);
        assertThat(SceneFidelity.spanErrorSec(straddling, scenes)).isEqualTo(2.0);
        assertThat(SceneFidelity.spanErrorSec(inside, scenes)).isZero();
    }

    @Test
    void shouldPoolDatasetsByTheirScenesAndCuts() {
        FidelityBenchmark.Report few =
                new FidelityBenchmark.Report(
                        10, 2, List.of(new FidelityBenchmark.StrategyScore("mbc", 4, 0.5, 2.0, 4)));
        FidelityBenchmark.Report many =
                new FidelityBenchmark.Report(
                        30, 8, List.of(new FidelityBenchmark.StrategyScore("mbc", 4, 1.0, 0.5, 2)));

        FidelityBenchmark.StrategyScore pooled =
                FidelityBenchmark.pool(List.of(few, many)).strategies().get(0);

        assertThat(pooled.sceneRecall()).isEqualTo(9.0 / 10); // 1 of 2 and 8 of 8 scenes
        assertThat(pooled.spanErrorSec()).isEqualTo((2.0 * 1 + 0.5 * 7) / 8); // over 1 + 7 cuts
        assertThat(pooled.slotsKept()).isEqualTo(3);
        assertThat(FidelityBenchmark.pool(List.of(few, many)).scenes()).isEqualTo(10);
    }

    private static MemorySlot slot(long start, long end) {
        return new MemorySlot(start, end, 1, 0, 1, new float[DIM]);
    }

    private static void synthesize(List<StrategyInput> frames, List<Scene> scenes) {
        Random random = new Random(11);
        long seq = 0;
        for (int length : SCENE_FRAMES) {
            float[] base = gaussian(random, 1f);
            long start = seq * FRAME_MS;
            for (int f = 0; f < length; f++, seq++) {
                float[] noise = gaussian(random, 0.3f);
                for (int i = 0; i < noise.length; i++) {
                    noise[i] += base[i];
                }
                frames.add(new StrategyInput(seq, seq * FRAME_MS, TOKENS, DIM, noise));
            }
            scenes.add(new Scene(start, seq * FRAME_MS));
        }
    }

    private static float[] gaussian(Random random, float scale) {
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = scale * (float) random.nextGaussian();
        }
        return values;
    }
}
