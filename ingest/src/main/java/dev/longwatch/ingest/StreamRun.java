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
            ReconnectPolicy reconnect) {}

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
    // Why the last connection was lost, for the RECONNECTING status.
    private String lostBecause = "";

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
    }

    IngestResult run(ProgressListener listener) {
        long startNanos = System.nanoTime();
        StreamState end;
        String error = "";
        try {
            end = connectUntilDone(listener);
        } catch (SourceException e) {
            end = StreamState.FAILED;
            error = e.getMessage();
        } catch (SendFailed e) {
            end = StreamState.FAILED;
            error = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = StreamState.STOPPED;
        } catch (RuntimeException | Error e) {
            // A bug or a native surprise: this stream fails, the others go on.
            end = StreamState.FAILED;
            error = "internal error: " + Uris.redact(String.valueOf(e));
            log.error("stream {} failed unexpectedly: {}", job.streamId(), error);
        }
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
     * Opens the source and produces from it; for a live source, again after every loss.
     *
     * @return COMPLETED at the end of a file, STOPPED on request
     * @throws SourceException for a file that cannot be read, or a live URI that retrying cannot
     *     fix (invalid, not allowed, unsupported scheme)
     */
    private StreamState connectUntilDone(ProgressListener listener)
            throws SourceException, InterruptedException {
        boolean reconnectable = deps.sources().reconnectable(job.uri());
        boolean resumed = job.resumeLastSeq() >= 0;
        Backoff backoff = deps.reconnect().newBackoff();
        boolean firstConnection = true;
        while (true) {
            if (stop.reason() != null) {
                return StreamState.STOPPED;
            }
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
                    nextSeq = info.live() && resumed ? job.resumeLastSeq() + 1 : 0;
                    gapNext = info.live() && resumed;
                }
                end = produce(source, info, listener, backoff);
            } catch (SourceException e) {
                if (!reconnectable || permanent(e)) {
                    throw e;
                }
                lostBecause = e.getMessage();
                end = ConnectionEnd.LOST;
            }
            if (end != ConnectionEnd.LOST) {
                return end == ConnectionEnd.COMPLETED ? StreamState.COMPLETED : StreamState.STOPPED;
            }
            Duration wait = backoff.next();
            gapNext = true;
            meters.reconnects.increment();
            log.warn(
                    "stream {} lost ({}); reconnecting in {} ms",
                    job.streamId(),
                    lostBecause,
                    wait.toMillis());
            deps.statuses().publish(status(StreamState.RECONNECTING, lostBecause));
            if (stop.await(wait)) {
                return StreamState.STOPPED;
            }
        }
    }

    /** Errors that another attempt cannot fix. */
    private static boolean permanent(SourceException e) {
        return switch (e.reason()) {
            case INVALID_URI, UNSUPPORTED_SCHEME, NOT_ALLOWED -> true;
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
                return ConnectionEnd.LOST;
            }
            if (next.isEmpty()) {
                if (info.live()) {
                    lostBecause = "live source " + redactedUri + " ended";
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
