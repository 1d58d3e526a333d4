package dev.longwatch.ingest.live;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: attempt {@code n} (from 0) waits
 * {@code min(max, initial * multiplier^n) * (1 - jitter * r)} with {@code r} uniform in [0, 1).
 * The jitter spreads the reconnects of many cameras behind one failed switch, so they do not all
 * hit the network at the same instant.
 *
 * <p>Pure: the random source is injected, nothing sleeps here. Not thread-safe (one per stream).
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final DoubleSupplier random;
    private int attempt;

    /**
     * @param jitter the fraction of the delay that is randomised, in [0, 1]
     * @param random values in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble}
     */
    public Backoff(
            Duration initial, Duration max, double multiplier, double jitter, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be > 0: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " < initial " + initial);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
        }
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The delay before the next attempt; each call counts one attempt. */
    public Duration next() {
        double capped =
                Math.min(
                        (double) max.toNanos(),
                        initial.toNanos() * Math.pow(multiplier, attempt));
        if (capped < max.toNanos()) {
            attempt++; // stops growing once capped, so it never overflows
        }
        double r = random.getAsDouble();
        if (!(r >= 0 && r < 1)) {
            throw new IllegalStateException("random source returned " + r + ", not in [0, 1)");
        }
        return Duration.ofNanos(Math.round(capped * (1 - jitter * r)));
    }

    /** After a connection that worked: the next failure starts again from the initial delay. */
    public void reset() {
        attempt = 0;
    }
}
