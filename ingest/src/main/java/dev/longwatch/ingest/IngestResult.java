package dev.longwatch.ingest;

import dev.longwatch.schema.proto.StreamState;
import java.time.Duration;

/**
 * How one ingest run ended.
 *
 * @param streamId the stream
 * @param state COMPLETED, FAILED or STOPPED
 * @param framesProduced frames acknowledged on {@code lw.frames} (for files: seqs 0..n-1)
 * @param lastSeq the last acknowledged seq, -1 if none
 * @param lastPtsMs presentation time of that frame, -1 if none
 * @param durationMs media duration, 0 when unknown
 * @param decodedFrames frames decoded in this run (sampled or not)
 * @param elapsed wall time of the run
 * @param error why it failed; empty unless FAILED
 */
public record IngestResult(
        String streamId,
        StreamState state,
        long framesProduced,
        long lastSeq,
        long lastPtsMs,
        long durationMs,
        long decodedFrames,
        Duration elapsed,
        String error) {

    public boolean completed() {
        return state == StreamState.COMPLETED;
    }
}
