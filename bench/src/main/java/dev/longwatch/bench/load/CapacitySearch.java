package dev.longwatch.bench.load;

import dev.longwatch.encoder.EncoderConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * {@code --find-capacity}: the largest number of cameras whose lag stays bounded ({@link
 * LagRule}) with no error, for each encoder. Each step is a whole run of its own (a fresh stack)
 * with every client of the run; the count doubles from the start while it holds, then the
 * interval between the last count that held and the first that failed is halved down to
 * {@code resolution} cameras.
 */
final class CapacitySearch {
    /** One step of a search. */
    record Step(int cameras, boolean holds, long errors, double maxLagSec, double lagSlopeSecPerMin, double askP99Ms, double eventP99Ms,
            double ingestFps, double memoryFps) {

        /** A run's outcome: it holds with no error and a bounded lag ({@link LagRule}). */
        static Step of(LoadReport report) {
            return new Step(report.cameras(), report.lagHolds() && report.errors() == 0, report.errors(), report.maxLagSec(),
                    report.lagSlopeSecPerMin(), report.askP99Ms(), report.eventP99Ms(), report.framesPerSecond().ingest(),
                    report.framesPerSecond().memory());
        }
    }

    /** The search for one encoder: the largest count that held (0 if none) and the smallest that failed (-1 if none). */
    record Result(String encoder, int holds, int fails, double stepDurationSec, List<Step> steps) {}

    /** One whole run per step, each with a fresh data directory. */
    interface Runner {
        Step run(LoadOptions options) throws Exception;
    }

    private CapacitySearch() {}

    static Result search(LoadOptions base, EncoderConfig encoder, String name, int start, int max, int resolution, Runner runner,
            PrintStream progress) throws Exception {
        TreeMap<Integer, Step> tried = new TreeMap<>();
        int low = 0;
        int high = -1;
        int next = start;
        while (true) {
            LoadOptions options = base.withEncoder(encoder).withCameras(next)
                    .withDataDir(base.dataDir().resolve(name + "-" + next));
            Step step = runner.run(options);
            tried.put(next, step);
            progress.printf(Locale.ROOT, "capacity %s: %d cameras %s (largest lag %.1f s, slope %.2f s/min, %d errors)%n",
                    name, next, step.holds() ? "hold" : "do not hold", step.maxLagSec(), step.lagSlopeSecPerMin(), step.errors());
            if (step.holds()) {
                low = Math.max(low, next);
            } else {
                high = high < 0 ? next : Math.min(high, next);
            }
            if (high < 0) {
                if (next >= max) {
                    break;
                }
                next = Math.min(max, next * 2);
            } else if (high - low <= resolution) {
                break;
            } else {
                next = (low + high) / 2;
                if (tried.containsKey(next)) {
                    break;
                }
            }
        }
        return new Result(name, low, high, base.duration().toSeconds(), new ArrayList<>(tried.values()));
    }
}
