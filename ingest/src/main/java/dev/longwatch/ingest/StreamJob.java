package dev.longwatch.ingest;

import dev.longwatch.schema.proto.StreamStatus;

/**
 * One stream to ingest, and where a previous run left off.
 *
 * @param streamId the stream id (valid per StreamIds)
 * @param uri the source URI, possibly with credentials (never logged as is)
 * @param sampleFps frames per second of media time to keep
 * @param resumeLastSeq the last seq already on lw.frames from an earlier run, -1 for a fresh start
 * @param resumeFramesProduced frames an earlier run already produced
 * @param resumeLastPtsMs presentation time of {@code resumeLastSeq}, -1 if none
 * @param priorUnfinished attempts of earlier runs that never ended (the process died during them),
 *     in a row, as the last status says
 * @param priorAttemptFromSeq the last seq when the last of those attempts started
 * @param incarnation the spec's {@code created_ms}, stamped on every frame and status so that a
 *     stream deleted and created again is told apart from its predecessor; 0 without a spec
 */
record StreamJob(
        String streamId,
        String uri,
        double sampleFps,
        long resumeLastSeq,
        long resumeFramesProduced,
        long resumeLastPtsMs,
        int priorUnfinished,
        long priorAttemptFromSeq,
        long incarnation) {

    static StreamJob fresh(String streamId, String uri, double sampleFps) {
        return new StreamJob(streamId, uri, sampleFps, -1, 0, -1, 0, -1, 0);
    }

    /** The same job for the stream incarnation {@code createdMs}. */
    StreamJob withIncarnation(long createdMs) {
        return new StreamJob(
                streamId, uri, sampleFps, resumeLastSeq, resumeFramesProduced, resumeLastPtsMs, priorUnfinished,
                priorAttemptFromSeq, createdMs);
    }

    /**
     * Unfinished attempts in a row that produced no frame: an attempt that moved the stream on
     * before the process died does not count against the source (a restart of the whole
     * service during a long file is not the decoder's fault).
     */
    int unfinishedWithoutProgress() {
        return resumeLastSeq > priorAttemptFromSeq ? 0 : priorUnfinished;
    }

    /** Continues after what {@code previous} reports as acknowledged. */
    static StreamJob resuming(String streamId, String uri, double sampleFps, StreamStatus previous) {
        if (previous.getFramesProduced() <= 0) {
            return new StreamJob(
                    streamId, uri, sampleFps, -1, 0, -1, previous.getUnfinishedAttempts(), previous.getAttemptFromSeq(), 0);
        }
        return new StreamJob(
                streamId,
                uri,
                sampleFps,
                previous.getLastSeq(),
                previous.getFramesProduced(),
                previous.getLastPtsMs(),
                previous.getUnfinishedAttempts(),
                previous.getAttemptFromSeq(),
                0);
    }

    /**
     * Continues after {@code lastSeq} instead, a frame found on lw.frames beyond what the status
     * said (its writer died before reporting it). Seqs are dense, so the count moves with it.
     */
    StreamJob after(long lastSeq, long lastPtsMs) {
        if (lastSeq <= resumeLastSeq) {
            return this;
        }
        return new StreamJob(
                streamId,
                uri,
                sampleFps,
                lastSeq,
                resumeFramesProduced + (lastSeq - resumeLastSeq),
                lastPtsMs,
                priorUnfinished,
                priorAttemptFromSeq,
                incarnation);
    }
}
