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
 * @param idleCheckMs the time of the registered idle timer; 0 when none
 * @param idleTimerInEventTime whether that timer is an event-time timer (since schema version 4;
 *     false in older state, whose idle timer is a processing-time timer in version 2 and an
 *     event-time timer in version 3: either is replaced on the stream's next frame or when it
 *     fires)
 * @param stateVersion the {@link MemoryStateSchema} version the stream's state was last brought
 *     up to (since version 5; 0 in older state, whose slot tensors are still F32)
 */
public record StreamProgress(
        String encoderId,
        long version,
        long lastPublishedMs,
        long pendingFlushMs,
        long lastFrameMs,
        long idleCheckMs,
        boolean idleTimerInEventTime,
        int stateVersion) {

    static StreamProgress start(String encoderId) {
        return new StreamProgress(
                encoderId, 0, Long.MIN_VALUE, 0, 0, 0, true, MemoryStateSchema.VERSION);
    }

    /** The same progress, with the stream's state brought up to {@code version}. */
    StreamProgress inVersion(int version) {
        return new StreamProgress(
                encoderId,
                this.version,
                lastPublishedMs,
                pendingFlushMs,
                lastFrameMs,
                idleCheckMs,
                idleTimerInEventTime,
                version);
    }

    /** One more change, made by a frame of event time {@code frameMs}. */
    StreamProgress changedBy(long frameMs) {
        return new StreamProgress(
                encoderId,
                version + 1,
                lastPublishedMs,
                pendingFlushMs,
                Math.max(lastFrameMs, frameMs),
                idleCheckMs,
                idleTimerInEventTime,
                stateVersion);
    }

    StreamProgress publishedAt(long nowMs) {
        return new StreamProgress(
                encoderId,
                version,
                nowMs,
                0,
                lastFrameMs,
                idleCheckMs,
                idleTimerInEventTime,
                stateVersion);
    }

    StreamProgress pendingUntil(long flushMs) {
        return new StreamProgress(
                encoderId,
                version,
                lastPublishedMs,
                flushMs,
                lastFrameMs,
                idleCheckMs,
                idleTimerInEventTime,
                stateVersion);
    }

    /** The idle timer is now the event-time timer at {@code checkMs} (0: none). */
    StreamProgress idleCheckAt(long checkMs) {
        return new StreamProgress(
                encoderId,
                version,
                lastPublishedMs,
                pendingFlushMs,
                lastFrameMs,
                checkMs,
                true,
                stateVersion);
    }
}
