package dev.longwatch.bench.load;

import java.util.List;

/**
 * When lag "grows without bound": the largest camera lag, fitted by least squares over the second
 * half of the run, rises faster than {@value #MAX_SLOPE_SEC_PER_MIN} s per minute, or already
 * exceeds {@value #MAX_LAG_SEC} s at the end. A stack that keeps up holds its lag near the
 * checkpoint interval plus a frame's trip (2-4 s here) with no trend; one that falls behind by a
 * fraction f of the offered frames gains 60·f s of lag a minute, so the slope threshold catches
 * any shortfall above about 2 % in a run of a few minutes, and the lag ceiling one that started
 * far behind.
 */
final class LagRule {
    static final double MAX_SLOPE_SEC_PER_MIN = 1.0;
    static final double MAX_LAG_SEC = 15.0;

    private LagRule() {}

    static boolean holds(double slopeSecPerMin, double maxLagAtEndSec) {
        return slopeSecPerMin <= MAX_SLOPE_SEC_PER_MIN && maxLagAtEndSec <= MAX_LAG_SEC;
    }

    /** Least-squares slope of {@code y} over {@code t} (seconds), in units of y per minute; 0 for fewer than 2 points. */
    static double slopePerMinute(List<Double> t, List<Double> y) {
        int n = t.size();
        if (n < 2) {
            return 0;
        }
        double meanT = t.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double meanY = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (t.get(i) - meanT) * (y.get(i) - meanY);
            den += (t.get(i) - meanT) * (t.get(i) - meanT);
        }
        return den == 0 ? 0 : num / den * 60;
    }
}
