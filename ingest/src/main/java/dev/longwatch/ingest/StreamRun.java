package dev.longwatch.ingest;

import com.google.protobuf.ByteString;
import dev.longwatch.ingest.image.EncodedJpeg;
import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.live.Backoff;
import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.ingest.kafka.EventPublisher;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.kafka.StatusPublisher;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.FrameSource;
import dev.longwatch.ingest.source.FrameSourceFactory;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import dev.longwatch.ingest.source.SourceInfo;
import dev.longwatch.ingest.source.Uris;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one stream on the calling thread: open source, sample, JPEG, produce, status.
 *
 * <p>Status invariant: frames_produced and last_seq count only acknowledged frames, so a reader
 * (or a restart) that sees frames_produced = N for a file knows seqs 0..N-1 are on lw.frames.
 * COMPLETED is written only after a flush with no send failure.
 *
 * <p>Live sources (RTSP, live HTTP) never complete: when the connection drops, stalls or the
 * stream ends, the run writes RECONNECTING (with the cause in {@code error}), waits a capped,
 * jittered exponential backoff and opens the source again, forever, until it is stopped. Seqs
 * continue densely across the outage; the first frame after it carries {@code gap_before} and a
 * GAP event goes to {@code lw.events}. Presentation times continue too: a new connection's times
 * start again at 0, so they are shifted to follow the last frame plus the wall-clock outage.
 *
 * <p>A run is a series of attempts ({@link #attempt}), each one connection: a service runs each
 * attempt on a worker thread and schedules the next after the backoff, so a camera that is down
 * holds no thread while it waits; {@link #run} does the same on the calling thread.
 *
 * <p>Crash counting: before each attempt opens its source, the run writes {@code
 * unfinished_attempts} + 1 (and {@code attempt_from_seq}) and flushes it; every status written
 * once the attempt has ended inside the process carries 0. A count that survives a restart
 * therefore counts attempts during which the process died (in the decoder's native code, or
 * killed for its memory); the service stops starting a stream whose count reached {@code
 * maxUnfinishedAttempts} without a frame in between.
 */
final class StreamRun {
    private static final Logger log = LoggerFactory.getLogger(StreamRun.class);

    /** Collaborators shared by every run of a service. */
    record Deps(
            FrameSourceFactory sources,
            JpegEncoder jpeg,
            FrameProducer frames,
            StatusPublisher statuses,
            EventPublisher events,
            IngestMetrics metrics,
            Clock clock,
            String instanceId,
            Duration statusInterval,
            ReconnectPolicy reconnect,
            int maxUnfinishedAttempts) {}

    /** How an attempt ended: the run is over, or it goes on after a wait. */
    sealed interface Attempt {}

    /** The run is over; its final status is written. */
    record Finished(IngestResult result) implements Attempt {}

    /** The source was lost (live): attempt again after {@code delay}, unless stopped first. */
    record RetryAfter(Duration delay) implements Attempt {}

    /** How one connection to a source ended. */
    private enum ConnectionEnd {
        COMPLETED,
        STOPPED,
        LOST
    }

    private final StreamJob job;
    private final Deps deps;
    private final StopSignal stop;
    private final IngestMetrics.StreamMeters meters;
    private final String redactedUri;

    // Written by the producer's I/O thread in send order (one partition per stream), read by the
    // run thread for statuses.
    private volatile long ackedSeq;
    private volatile long ackedPtsMs;
    private volatile long ackedThisRun;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    private long durationMs;
    private long decoded;
    private long lastStatusMs = Long.MIN_VALUE;

    // Position across connections (live sources reconnect within one run).
    private final FrameSampler sampler;
    private long nextSeq;
    private long sentThisRun;
    private boolean gapNext;
    // Output pts of the last produced frame and the wall time it was produced, -1 before any.
    private long lastOutPtsMs;
    private long lastFrameWallMs = -1;
    // Why the last connection was lost: for the RECONNECTING status (what the user may see) and
    // for the log (what happened).
    private String lostBecause = "";
    private String lostDetail = "";

    // Across attempts of this run.
    private final Backoff backoff;
    private boolean reconnectable;
    private boolean firstConnection = true;
    private StreamState endState;
    private long startNanos;
    // Crash counting (class comment): the count and start seq the statuses carry.
    private int unfinished;
    private long attemptFromSeq = -1;
    private int attempts;

    StreamRun(StreamJob job, Deps deps, StopSignal stop) {
        this.job = job;
        this.deps = deps;
        this.stop = stop;
        this.meters = deps.metrics().stream(job.streamId());
        this.redactedUri = Uris.redact(job.uri());
        this.ackedSeq = job.resumeLastSeq();
        this.ackedPtsMs = job.resumeLastPtsMs();
        this.sampler = new FrameSampler(job.sampleFps());
        this.lastOutPtsMs = job.resumeLastPtsMs();
        this.backoff = deps.reconnect().newBackoff();
    }

    /** Runs every attempt on the calling thread, waiting out the backoffs, until the run is over. */
    IngestResult run(ProgressListener listener) {
        while (true) {
            Attempt a = attempt(listener);
            if (a instanceof Finished f) {
                return f.result();
            }
            try {
                stop.await(((RetryAfter) a).delay()); // a stop ends the wait; the next attempt sees it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.request(StopSignal.Reason.SHUTDOWN);
            }
        }
    }

    /**
     * One attempt: open the source and produce from it until it ends, fails, is stopped or (live)
     * is lost. Never throws: every way out is either a final status or a retry.
     */
    Attempt attempt(ProgressListener listener) {
        if (startNanos == 0) {
            startNanos = System.nanoTime();
        }
        StreamState end;
        String error = "";
        try {
            Optional<Duration> retry = connectOnce(listener);
            if (retry.isPresent()) {
                return new RetryAfter(retry.get());
            }
            end = endState;
        } catch (SourceException e) {
            end = StreamState.FAILED;
            error = e.getMessage();
            log.warn("stream {} failed: {}", job.streamId(), e.detail());
        } catch (SendFailed e) {
            end = StreamState.FAILED;
            error = e.getMessage();
        } catch (RuntimeException | Error e) {
            // A bug or a native surprise: this stream fails, the others go on.
            end = StreamState.FAILED;
            error = "internal error: " + Uris.redact(String.valueOf(e));
            log.error("stream {} failed unexpectedly: {}", job.streamId(), error);
        }
        return new Finished(finish(end, error));
    }

    private IngestResult finish(StreamState stateAtEnd, String errorAtEnd) {
        StreamState end = stateAtEnd;
        String error = errorAtEnd;
        unfinished = 0; // the attempt ended here, not in a crash
        // Everything sent must be acknowledged (or known lost) before the final status.
        deps.frames().flush();
        Exception lost = sendFailure.get();
        if (lost != null && end != StreamState.FAILED) {
            end = StreamState.FAILED;
            error = failedSendMessage(lost);
        }
        if (end == StreamState.FAILED) {
            meters.failures.increment();
            log.warn("stream {} failed: {}", job.streamId(), error);
        } else {
            log.info("stream {} {}: {} frames", job.streamId(), end, framesProduced());
        }
        StreamState finalState = end;
        String finalError = error;
        stop.finish(
                reason -> {
                    if (reason == StopSignal.Reason.DELETED) {
                        deps.statuses().tombstone(job.streamId());
                    } else {
                        deps.statuses().publish(status(finalState, finalError));
                    }
                });
        deps.statuses().flush();
        deps.events().flush();
        return new IngestResult(
                job.streamId(),
                finalState,
                framesProduced(),
                ackedSeq,
                ackedPtsMs,
                durationMs,
                decoded,
                Duration.ofNanos(System.nanoTime() - startNanos),
                finalError);
    }

    /**
     * Opens the source and produces from it, once.
     *
     * @return empty when the run is over ({@link #endState}: COMPLETED at the end of a file,
     *     STOPPED on request), or the wait before the next attempt of a lost live source
     * @throws SourceException for a file that cannot be read, or a live URI that retrying cannot
     *     fix (invalid, not allowed, refused, unsupported scheme)
     */
    private Optional<Duration> connectOnce(ProgressListener listener) throws SourceException {
        if (stop.reason() != null) {
            endState = StreamState.STOPPED;
            return Optional.empty();
        }
        if (attempts == 0 && job.unfinishedWithoutProgress() >= deps.maxUnfinishedAttempts()) {
            throw new SourceException(
                    SourceException.Reason.DECODE_FAILED,
                    "not started again: ingest stopped "
                            + job.unfinishedWithoutProgress()
                            + " times in a row while reading this source without producing a frame (a"
                            + " crash or memory exhaustion while decoding it); delete and re-create the"
                            + " stream to try again");
        }
        reconnectable |= deps.sources().reconnectable(job.uri());
        markAttemptStarted();
        ConnectionEnd end;
        try (FrameSource source = deps.sources().open(job.uri())) {
            SourceInfo info = source.info();
            reconnectable |= info.live();
            if (firstConnection) {
                firstConnection = false;
                // Files are re-sampled from the start, which yields the same seqs again
                // (sampling is deterministic), and frames up to the acknowledged seq are
                // skipped. Live sources cannot replay: they continue after the last seq, and
                // the first new frame is marked as a gap.
                boolean resumed = job.resumeLastSeq() >= 0;
                nextSeq = info.live() && resumed ? job.resumeLastSeq() + 1 : 0;
                gapNext = info.live() && resumed;
            }
            end = produce(source, info, listener, backoff);
        } catch (SourceException e) {
            if (!reconnectable || permanent(e)) {
                throw e;
            }
            lostBecause = e.getMessage();
            lostDetail = e.detail();
            end = ConnectionEnd.LOST;
        }
        unfinished = 0; // the attempt ended inside the process
        if (end != ConnectionEnd.LOST) {
            endState = end == ConnectionEnd.COMPLETED ? StreamState.COMPLETED : StreamState.STOPPED;
            return Optional.empty();
        }
        Duration wait = backoff.next();
        gapNext = true;
        meters.reconnects.increment();
        log.warn(
                "stream {} lost ({}); reconnecting in {} ms",
                job.streamId(),
                lostDetail,
                wait.toMillis());
        deps.statuses().publish(status(StreamState.RECONNECTING, lostBecause));
        return Optional.of(wait);
    }

    /**
     * Writes, and waits for, the mark that an attempt is under way: if the process dies before
     * the attempt ends, the next owner of the stream finds it (see the class comment).
     */
    private void markAttemptStarted() {
        // The first attempt continues the count the previous run left (it died during its last
        // attempt); later ones follow an attempt that ended here, whose count went back to 0.
        unfinished = (attempts++ == 0 ? job.unfinishedWithoutProgress() : 0) + 1;
        attemptFromSeq = ackedSeq;
        StreamStatus last = deps.statuses().latest(job.streamId()).orElse(null);
        StreamState state = last == null ? StreamState.PENDING : last.getState();
        deps.statuses().publish(status(state, last == null ? "" : last.getError()));
        deps.statuses().flush();
    }

    /** Errors that another attempt cannot fix. */
    private static boolean permanent(SourceException e) {
        return switch (e.reason()) {
            case INVALID_URI, UNSUPPORTED_SCHEME, NOT_ALLOWED, REFUSED, NOT_MEDIA, TOO_LARGE -> true;
            default -> false;
        };
    }

    /** Produces from one open connection until it ends, is stopped or (live) is lost. */
    private ConnectionEnd produce(
            FrameSource source, SourceInfo info, ProgressListener listener, Backoff backoff)
            throws SourceException {
        durationMs = info.durationMs().orElse(0);
        long skipThrough = info.live() ? -1 : job.resumeLastSeq();
        // Where this connection's times start on the stream's time line (see class comment).
        long ptsOffset = -1;
        publishRunning(true);
        while (true) {
            if (stop.reason() != null) {
                return ConnectionEnd.STOPPED;
            }
            failIfSendFailed();
            Optional<SourceFrame> next;
            try {
                next = source.next();
            } catch (SourceException e) {
                if (!info.live()) {
                    throw e;
                }
                lostBecause = e.getMessage();
                lostDetail = e.detail();
                return ConnectionEnd.LOST;
            }
            if (next.isEmpty()) {
                if (info.live()) {
                    lostBecause = "the live source ended";
                    lostDetail = "live source " + redactedUri + " ended";
                    return ConnectionEnd.LOST;
                }
                return ConnectionEnd.COMPLETED;
            }
            decoded++;
            meters.decoded.increment();
            SourceFrame frame = next.get();
            if (ptsOffset < 0) {
                ptsOffset = connectionOffset(info);
                backoff.reset(); // this connection works: the next loss starts from the initial wait
            }
            long ptsMs = ptsOffset + frame.ptsMs();
            if (!sampler.accept(ptsMs)) {
                continue;
            }
            long seq = nextSeq++;
            if (seq <= skipThrough) {
                continue; // already on lw.frames from the run this one resumes
            }
            EncodedJpeg jpeg = deps.jpeg().encode(frame.toImage(deps.jpeg().maxWidth()));
            long now = deps.clock().millis();
            Frame message =
                    Frame.newBuilder()
                            .setStreamId(job.streamId())
                            .setSeq(seq)
                            .setPtsMs(ptsMs)
                            // Files have no capture time: ingest time stands in, per the schema.
                            .setWallMs(now)
                            .setWidth(jpeg.width())
                            .setHeight(jpeg.height())
                            .setJpeg(ByteString.copyFrom(jpeg.bytes()))
                            .setGapBefore(gapNext)
                            .setIncarnation(job.incarnation())
                            .build();
            if (gapNext) {
                publishGap(seq, ptsMs, now);
                gapNext = false;
            }
            deps.frames().send(message, acknowledge(seq, ptsMs));
            sentThisRun++;
            lastOutPtsMs = ptsMs;
            lastFrameWallMs = now;
            listener.onProgress(job.resumeFramesProduced() + sentThisRun, ptsMs, durationMs);
            publishRunning(false);
        }
    }

    /**
     * The first connection of a fresh stream starts at 0. Later connections (and a live stream
     * resumed after a restart) start after the last frame, plus the outage when it is known, so
     * presentation times never go back and the gap shows on the time line.
     */
    private long connectionOffset(SourceInfo info) {
        if (lastOutPtsMs < 0 || !info.live()) {
            return 0;
        }
        long outage = lastFrameWallMs < 0 ? 0 : Math.max(0, deps.clock().millis() - lastFrameWallMs);
        return lastOutPtsMs + Math.max(1, outage);
    }

    /** Marks the outage on lw.events; score = the outage in seconds (0 when unknown). */
    private void publishGap(long seq, long ptsMs, long now) {
        double outageSeconds = lastFrameWallMs < 0 ? 0 : (now - lastFrameWallMs) / 1000.0;
        deps.events()
                .publish(
                        MemoryEvent.newBuilder()
                                .setStreamId(job.streamId())
                                .setPtsMs(ptsMs)
                                .setKind(EventKind.GAP)
                                .setScore(outageSeconds)
                                .setSeq(seq)
                                .setIncarnation(job.incarnation())
                                .build());
        log.info("stream {} back at seq {} after {} s", job.streamId(), seq, outageSeconds);
    }

    private Callback acknowledge(long seq, long ptsMs) {
        return (metadata, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
                return;
            }
            // Once one send failed, later acks must not advance the status past the hole.
            if (sendFailure.get() == null) {
                ackedSeq = seq;
                ackedPtsMs = ptsMs;
                ackedThisRun++; // single writer: the producer I/O thread
                // Metrics count what Kafka holds, like the status: a frame that is only in the
                // producer's buffer is not produced yet and may still be lost.
                meters.frameProduced(deps.clock().millis());
            }
        };
    }

    private void failIfSendFailed() {
        Exception e = sendFailure.get();
        if (e != null) {
            throw new SendFailed(failedSendMessage(e));
        }
    }

    private static String failedSendMessage(Exception e) {
        return "writing frames to lw.frames failed: " + Uris.redact(String.valueOf(e));
    }

    private void publishRunning(boolean force) {
        long now = deps.clock().millis();
        if (!force && now - lastStatusMs < deps.statusInterval().toMillis()) {
            return;
        }
        lastStatusMs = now;
        deps.statuses().publish(status(StreamState.RUNNING, ""));
    }

    /**
     * Frames on lw.frames for this stream: for a resumed file the skipped prefix counts, since
     * those seqs were acknowledged by the earlier run.
     */
    private long framesProduced() {
        return job.resumeFramesProduced() + ackedThisRun;
    }

    private StreamStatus status(StreamState state, String error) {
        return StreamStatus.newBuilder()
                .setStreamId(job.streamId())
                .setState(state)
                .setFramesProduced(framesProduced())
                .setLastSeq(ackedSeq)
                .setLastPtsMs(ackedPtsMs)
                .setDurationMs(durationMs)
                .setError(error)
                .setUpdatedMs(deps.clock().millis())
                .setInstance(deps.instanceId())
                .setUnfinishedAttempts(unfinished)
                .setAttemptFromSeq(attemptFromSeq)
                .setIncarnation(job.incarnation())
                .build();
    }

    /** A frame send failed: the stream stops rather than leave a hole in its seqs. */
    private static final class SendFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SendFailed(String message) {
            super(message);
        }
    }
}
