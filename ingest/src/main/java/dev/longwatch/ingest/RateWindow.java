package dev.longwatch.ingest;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Events per second over a sliding window of wall time: the count of events in {@code (now -
 * window, now]} divided by the window. Thread-safe: the stream's worker records, the metrics
 * scrape reads. Holds one timestamp per event in the window, so it suits per-stream frame rates
 * (a few to a few hundred per second), not per-packet counts.
 */
final class RateWindow {
    private final long windowMs;
    // Oldest first; entries older than the window are dropped on every record and read.
    private final ArrayDeque<Long> times = new ArrayDeque<>();

    RateWindow(Duration window) {
        if (window.toMillis() <= 0) {
            throw new IllegalArgumentException("window must be at least 1 ms: " + window);
        }
        this.windowMs = window.toMillis();
    }

    synchronized void record(long nowMs) {
        times.addLast(nowMs);
        evict(nowMs);
    }

    /** Events per second over the window ending at {@code nowMs}; 0 when none. */
    synchronized double perSecond(long nowMs) {
        evict(nowMs);
        return times.size() * 1000.0 / windowMs;
    }

    private void evict(long nowMs) {
        while (!times.isEmpty() && times.peekFirst() <= nowMs - windowMs) {
            times.removeFirst();
        }
    }
}
