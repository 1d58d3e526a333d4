package dev.longwatch.query.ask;

/**
 * A closed window of media time in seconds from the stream's first frame; either end may be
 * open ({@code 0} and {@code +∞}).
 */
public record TimeWindow(double fromSec, double toSec) {
    public static final TimeWindow ALL = new TimeWindow(0, Double.POSITIVE_INFINITY);

    public TimeWindow {
        if (Double.isNaN(fromSec) || Double.isNaN(toSec) || fromSec < 0 || toSec < fromSec) {
            throw new IllegalArgumentException(
                    "invalid time window [" + fromSec + ", " + toSec
                            + "]: need 0 <= from <= to (seconds)");
        }
    }

    /** {@code from} and {@code to} as given by a client; null means open at that end. */
    public static TimeWindow of(Double fromSec, Double toSec) {
        return new TimeWindow(
                fromSec == null ? 0 : fromSec, toSec == null ? Double.POSITIVE_INFINITY : toSec);
    }

    /** True when {@code [startSec, endSec]} shares at least one instant with this window. */
    public boolean overlaps(double startSec, double endSec) {
        return startSec <= toSec && endSec >= fromSec;
    }
}
