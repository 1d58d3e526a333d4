package dev.longwatch.ingest.live;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How live sources (RTSP, live HTTP/HLS) recover from outages.
 *
 * @param initialBackoff the first wait after a connection is lost; default 500 ms
 * @param maxBackoff waits grow up to this; default 30 s
 * @param multiplier growth per failed attempt; default 2
 * @param jitter fraction of each wait that is random, in [0, 1]; default 0.5
 * @param stallTimeout a live source with no data for this long counts as lost (FFmpeg's socket
 *     I/O timeout); it also bounds connecting; default 10 s
 */
public record ReconnectPolicy(
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        double jitter,
        Duration stallTimeout) {

    public ReconnectPolicy {
        // Validates the backoff parameters once, at configuration time.
        new Backoff(initialBackoff, maxBackoff, multiplier, jitter, () -> 0);
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be > 0: " + stallTimeout);
        }
    }

    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(
                Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5, Duration.ofSeconds(10));
    }

    /** A fresh backoff for one stream, with its own random jitter. */
    public Backoff newBackoff() {
        return new Backoff(
                initialBackoff,
                maxBackoff,
                multiplier,
                jitter,
                () -> ThreadLocalRandom.current().nextDouble());
    }
}
