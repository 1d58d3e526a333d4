package dev.longwatch.memory.job;

/**
 * Per-stream bookkeeping of the bank operator, next to the bank itself.
 *
 * @param encoderId the encoder whose embeddings the bank holds
 * @param version counts the bank's changes; a snapshot carries the version it shows
 * @param lastPublishedMs processing time of the last snapshot, {@link Long#MIN_VALUE} before any
 * @param pendingFlushMs when a change is waiting for the rate limit: the time of the timer that
 *     will publish it; 0 when nothing is pending
 * @param lastFrameMs processing time of the last applied frame
 * @param idleCheckMs the time of the registered idle timer; 0 when none
 */
public record StreamProgress(
        String encoderId,
        long version,
        long lastPublishedMs,
        long pendingFlushMs,
        long lastFrameMs,
        long idleCheckMs) {

    static StreamProgress start(String encoderId) {
        return new StreamProgress(encoderId, 0, Long.MIN_VALUE, 0, 0, 0);
    }

    StreamProgress changedAt(long nowMs) {
        return new StreamProgress(
                encoderId, version + 1, lastPublishedMs, pendingFlushMs, nowMs, idleCheckMs);
    }

    StreamProgress publishedAt(long nowMs) {
        return new StreamProgress(encoderId, version, nowMs, 0, lastFrameMs, idleCheckMs);
    }

    StreamProgress pendingUntil(long flushMs) {
        return new StreamProgress(
                encoderId, version, lastPublishedMs, flushMs, lastFrameMs, idleCheckMs);
    }

    StreamProgress idleCheckAt(long checkMs) {
        return new StreamProgress(
                encoderId, version, lastPublishedMs, pendingFlushMs, lastFrameMs, checkMs);
    }
}
