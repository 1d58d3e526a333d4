package dev.longwatch.query.http;

import dev.longwatch.query.ask.TimeWindow;

/** Time windows from request parameters; anything malformed is a 400 naming the parameter. */
final class Windows {
    /** No bound may lie further than this from the first frame: ten years of footage. */
    static final double MAX_SEC = 10 * 365 * 24 * 3600.0;

    private Windows() {}

    static TimeWindow of(Double fromSec, Double toSec) {
        for (Double bound : new Double[] {fromSec, toSec}) {
            if (bound != null && (!Double.isFinite(bound) || bound > MAX_SEC)) {
                throw ApiException.badRequest(
                        "invalid_window", "window bounds must be finite and at most " + (long) MAX_SEC + " s, got " + bound);
            }
        }
        try {
            return TimeWindow.of(fromSec, toSec);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_window", e.getMessage());
        }
    }

    /** A query parameter in seconds; null when absent. */
    static Double seconds(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double sec = Double.parseDouble(value.strip());
            if (!Double.isFinite(sec)) {
                throw new NumberFormatException("not finite");
            }
            return sec;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "invalid_window", "'" + name + "' must be a number of seconds, got '" + value + "'");
        }
    }
}
