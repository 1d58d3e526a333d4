package dev.longwatch.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.encoder.EncoderConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The search's arithmetic over a machine whose true capacity is known: the runner stands in for
 * whole runs (minutes each, measured by {@code LoadBenchITCase} and by hand) and answers whether
 * a count holds.
 */
class CapacitySearchTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void shouldDoubleWhileItHoldsThenHalveTheIntervalDownToTheResolution() throws Exception {
        List<Integer> tried = new ArrayList<>();

        CapacitySearch.Result result = CapacitySearch.search(
                base(), EncoderConfig.builtin(8), "builtin", 4, 64, 2, machineHolding(11, tried), QUIET);

        assertThat(tried).containsExactly(4, 8, 16, 12, 10);
        assertThat(result.holds()).isEqualTo(10);
        assertThat(result.fails()).isEqualTo(12);
        assertThat(result.steps()).extracting(CapacitySearch.Step::cameras).containsExactly(4, 8, 10, 12, 16);
    }

    @Test
    void shouldStopAtTheLargestCountWhenEveryCountHolds() throws Exception {
        List<Integer> tried = new ArrayList<>();

        CapacitySearch.Result result = CapacitySearch.search(
                base(), EncoderConfig.builtin(8), "builtin", 4, 40, 2, machineHolding(1000, tried), QUIET);

        assertThat(tried).containsExactly(4, 8, 16, 32, 40);
        assertThat(result.holds()).isEqualTo(40);
        assertThat(result.fails()).isEqualTo(-1);
    }

    @Test
    void shouldReportNoneWhenEvenTheFirstCountFails() throws Exception {
        List<Integer> tried = new ArrayList<>();

        CapacitySearch.Result result = CapacitySearch.search(
                base(), EncoderConfig.builtin(8), "builtin", 4, 64, 2, machineHolding(1, tried), QUIET);

        assertThat(tried).containsExactly(4, 2);
        assertThat(result.holds()).isZero();
        assertThat(result.fails()).isEqualTo(2);
    }

    @Test
    void shouldGiveEveryStepItsOwnDataDirectory() throws Exception {
        List<Path> dirs = new ArrayList<>();

        CapacitySearch.search(base(), EncoderConfig.builtin(8), "builtin", 4, 8, 2, options -> {
            dirs.add(options.dataDir());
            return step(options.cameras(), true);
        }, QUIET);

        assertThat(dirs).containsExactly(Path.of("/tmp/load/builtin-4"), Path.of("/tmp/load/builtin-8"));
    }

    private static CapacitySearch.Runner machineHolding(int capacity, List<Integer> tried) {
        return options -> {
            tried.add(options.cameras());
            return step(options.cameras(), options.cameras() <= capacity);
        };
    }

    private static CapacitySearch.Step step(int cameras, boolean holds) {
        return new CapacitySearch.Step(cameras, holds, 0, holds ? 1.0 : 40.0, holds ? 0.0 : 6.0, 20, 900, cameras, cameras);
    }

    private static LoadOptions base() {
        return new LoadOptions(16, 50, 20, Duration.ofMinutes(2), EncoderConfig.builtin(8), Duration.ofMillis(200), Duration.ofSeconds(1),
                1, false, Duration.ofSeconds(5), null, null, null, "docker", InetAddress.getLoopbackAddress(), Path.of("/video"),
                Path.of("/tmp/load"), Path.of("/tmp/clips"), 1000, 1);
    }
}
