package dev.longwatch.memory.job;

/**
 * Per-stream bookkeeping of the bank operator, next to the bank itself.
 *
 * @param encoderId the encoder whose embeddings the bank holds
 * @param version counts the bank's changes; a snapshot carries the version it shows
 * @param lastPublishedMs processing time of the last snapshot, {@link Long#MIN_VALUE} before any
 * @param pendingFlushMs when a change is waiting for the rate limit: the time of the timer that
 *     will publish it; 0 when nothing is pending
 * @param lastFrameMs event time (wall_ms) of the newest applied frame; in state of schema version
 *     2 and before, processing time of the last applied frame (also epoch ms, so close to it)
 * @param idleCheckMs the time of the registered event-time idle timer; 0 when none (a
 *     processing-time timer in state of schema version 2 and before)
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

    /** One more change, made by a frame of event time {@code frameMs}. */
    StreamProgress changedBy(long frameMs) {
        return new StreamProgress(
                encoderId,
                version + 1,
                lastPublishedMs,
                pendingFlushMs,
                Math.max(lastFrameMs, frameMs),
                idleCheckMs);
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
