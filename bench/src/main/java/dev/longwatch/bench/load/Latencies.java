package dev.longwatch.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Latency samples of one kind with the run second each was taken at: percentiles over the whole
 * run, over a span of it, and per time bucket for the report's charts. Thread-safe (askers and
 * subscribers add from their own threads).
 */
final class Latencies {
    private record Sample(double atSec, double ms) {}

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(double atSec, double ms) {
        samples.add(new Sample(atSec, ms));
    }

    synchronized int count() {
        return samples.size();
    }

    synchronized double percentile(double p) {
        return percentile(values(0, Double.MAX_VALUE), p);
    }

    /** Samples taken in [fromSec, toSec). */
    synchronized List<Double> values(double fromSec, double toSec) {
        List<Double> values = new ArrayList<>();
        for (Sample s : samples) {
            if (s.atSec() >= fromSec && s.atSec() < toSec) {
                values.add(s.ms());
            }
        }
        return values;
    }

    /** Nearest-rank percentile; NaN for no samples. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
