package dev.longwatch.ingest;

/** Progress of one ingest run, called on the ingesting thread after each produced frame. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (frames, ptsMs, durationMs) -> {};

    /**
     * @param framesProduced frames handed to the producer so far (all are acknowledged before
     *     the run reports COMPLETED)
     * @param ptsMs presentation time of the latest frame, ms from the first frame
     * @param durationMs the media duration, 0 when unknown (live sources)
     */
    void onProgress(long framesProduced, long ptsMs, long durationMs);
}
