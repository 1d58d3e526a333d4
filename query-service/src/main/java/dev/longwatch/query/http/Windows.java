package dev.longwatch.query.http;

import dev.longwatch.query.ask.TimeWindow;

/** Time windows from request parameters; anything malformed is a 400 naming the parameter. */
final class Windows {
    private Windows() {}

    static TimeWindow of(Double fromSec, Double toSec) {
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
