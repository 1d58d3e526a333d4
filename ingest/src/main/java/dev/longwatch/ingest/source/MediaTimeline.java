package dev.longwatch.ingest.source;

/**
 * Turns the decoder's timestamps (µs, any origin) into presentation times in ms from the first
 * frame, and gives frames the decoder could not time a place on the same time line.
 *
 * <p>Some containers do not store presentation times at all: AVI with B-frames, for example,
 * only has decode order, and the frames the decoder flushes at the end of such a file come out
 * with no timestamp. Taken as 0 they would jump back to the start of the media. Such a frame is
 * placed one frame step after the previous frame instead, the step being the last interval seen
 * between two timed frames (the nominal frame duration before any), so times never go back
 * because of a missing stamp. One thread at a time.
 */
final class MediaTimeline {
    /** The decoder had no timestamp for the frame. */
    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final long nominalStepMs;
    private long originUs = NO_TIMESTAMP;
    private long lastPtsMs = -1;
    private long lastTimedPtsMs = -1;
    private long stepMs;

    /** @param frameRate the stream's nominal rate, used only until two timed frames are seen */
    MediaTimeline(double frameRate) {
        this.nominalStepMs =
                frameRate > 0 && Double.isFinite(frameRate) ? Math.max(1, Math.round(1000 / frameRate)) : 40;
    }

    /**
     * The presentation time of the next decoded frame.
     *
     * @param timestampUs the decoder's best-effort timestamp, or {@link #NO_TIMESTAMP}
     * @return ms from the first frame
     */
    long next(long timestampUs) {
        if (timestampUs == NO_TIMESTAMP) {
            lastPtsMs = lastPtsMs < 0 ? 0 : lastPtsMs + (stepMs > 0 ? stepMs : nominalStepMs);
            return lastPtsMs;
        }
        if (originUs == NO_TIMESTAMP) {
            // Frames placed before the first timed one keep their places: the origin moves back.
            long placedMs = lastPtsMs < 0 ? 0 : lastPtsMs + nominalStepMs;
            originUs = timestampUs - placedMs * 1_000L;
        }
        long ptsMs = Math.floorDiv(timestampUs - originUs, 1_000L);
        if (lastTimedPtsMs >= 0 && ptsMs > lastTimedPtsMs) {
            stepMs = ptsMs - lastTimedPtsMs;
        }
        lastTimedPtsMs = ptsMs;
        lastPtsMs = ptsMs;
        return ptsMs;
    }

    /** The latest presentation time handed out, -1 before the first frame. */
    long lastPtsMs() {
        return lastPtsMs;
    }
}
