package dev.longwatch.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests and failures by kind. A failure while {@code --chaos} has a service down on purpose
 * (from its stop until it runs again, plus a short grace for clients to notice) is counted apart,
 * as expected; any other failure is an error, and one error fails the run.
 */
final class Outcomes {
    private final Map<String, AtomicLong> requests = new TreeMap<>();
    private final Map<String, AtomicLong> errors = new TreeMap<>();
    private final Map<String, AtomicLong> duringFaults = new TreeMap<>();
    private volatile boolean faultInProgress;
    private volatile long faultGraceUntilNanos;
    private volatile String firstError;

    synchronized void request(String kind) {
        requests.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A failed request or stream.
     *
     * @param kind what failed and how, e.g. {@code ask:http-503}, {@code sse:io}
     */
    synchronized void failure(String kind, String detail) {
        if (faultInProgress || System.nanoTime() < faultGraceUntilNanos) {
            duringFaults.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            return;
        }
        errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        if (firstError == null) {
            firstError = kind + ": " + detail;
        }
    }

    void faultStarted() {
        faultInProgress = true;
    }

    /** The service runs again; failures in the next {@code graceSec} still count as the fault's. */
    void faultEnded(double graceSec) {
        faultGraceUntilNanos = System.nanoTime() + (long) (graceSec * 1e9);
        faultInProgress = false;
    }

    boolean faultInProgress() {
        return faultInProgress;
    }

    synchronized long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    String firstError() {
        return firstError;
    }

    synchronized Map<String, Long> requests() {
        return snapshot(requests);
    }

    synchronized Map<String, Long> errors() {
        return snapshot(errors);
    }

    synchronized Map<String, Long> duringFaults() {
        return snapshot(duringFaults);
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
