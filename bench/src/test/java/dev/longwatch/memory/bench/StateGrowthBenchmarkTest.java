package dev.longwatch.memory.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;

class StateGrowthBenchmarkTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void shouldKeepStatePerStreamConstantFromOneHourToTenWithChapters() {
        StateGrowthBenchmark.Report report =
                StateGrowthBenchmark.measure(4, 16, 8, 600_000, new double[] {1, 10}, QUIET);

        StateGrowthBenchmark.Point oneHour = report.results().get(0);
        StateGrowthBenchmark.Point tenHours = report.results().get(1);
        assertThat(oneHour.frames()).isEqualTo(3_600);
        assertThat(tenHours.frames()).isEqualTo(36_000);
        assertThat(oneHour.chaptersSealed()).isEqualTo(5);
        assertThat(tenHours.chaptersSealed()).isEqualTo(59);
        // 8 slots of (8-byte key + 4-byte length + 2·64 binary16) tensors, (8 + 4 + 8·4) norms
        // and (8 + 4 + 4·16) descriptors, as the operator keeps them since state schema 5.
        assertThat(tenHours.tensorBytes()).isEqualTo(8 * (8 + 4 + 2 * 64));
        assertThat(tenHours.normBytes()).isEqualTo(8 * (8 + 4 + 8 * 4));
        assertThat(tenHours.descriptorBytes()).isEqualTo(8 * (8 + 4 + 4 * 16));
        assertThat(tenHours.stateBytes()).isEqualTo(oneHour.stateBytes());
        assertThat(report.stateRatio10hTo1h()).isEqualTo(1.0);
        assertThat(tenHours.chapterTopicBytes()).isGreaterThan(10 * oneHour.chapterTopicBytes());
    }
}
