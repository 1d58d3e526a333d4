package dev.longwatch.ingest;

import com.google.protobuf.ByteString;
import dev.longwatch.ingest.image.EncodedJpeg;
import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.kafka.StatusPublisher;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.FrameSource;
import dev.longwatch.ingest.source.FrameSourceFactory;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import dev.longwatch.ingest.source.SourceInfo;
import dev.longwatch.ingest.source.Uris;
import dev.longwatch.schema.proto.Frame;
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
 */
final class StreamRun {
    private static final Logger log = LoggerFactory.getLogger(StreamRun.class);

    /** Collaborators shared by every run of a service. */
    record Deps(
            FrameSourceFactory sources,
            JpegEncoder jpeg,
            FrameProducer frames,
            StatusPublisher statuses,
            IngestMetrics metrics,
            Clock clock,
            String instanceId,
            Duration statusInterval) {}

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

    StreamRun(StreamJob job, Deps deps, StopSignal stop) {
        this.job = job;
        this.deps = deps;
        this.stop = stop;
        this.meters = deps.metrics().stream(job.streamId());
        this.redactedUri = Uris.redact(job.uri());
        this.ackedSeq = job.resumeLastSeq();
        this.ackedPtsMs = job.resumeLastPtsMs();
    }

    IngestResult run(ProgressListener listener) {
        long startNanos = System.nanoTime();
        StreamState end;
        String error = "";
        try (FrameSource source = deps.sources().open(job.uri())) {
            end = produce(source, listener);
            if (end == StreamState.FAILED) {
                error = "live source " + redactedUri + " ended (reconnecting comes in a later version)";
            }
        } catch (SourceException e) {
            end = StreamState.FAILED;
            error = e.getMessage();
        } catch (SendFailed e) {
            end = StreamState.FAILED;
            error = e.getMessage();
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

    /** @return COMPLETED at the end of a file, STOPPED on request, FAILED when a live source ends */
    private StreamState produce(FrameSource source, ProgressListener listener)
            throws SourceException {
        SourceInfo info = source.info();
        durationMs = info.durationMs().orElse(0);
        boolean resumed = job.resumeLastSeq() >= 0;
        // Files are re-sampled from the start, which yields the same seqs again (sampling is
        // deterministic), and frames up to the acknowledged seq are skipped. Live sources cannot
        // replay: they continue after the last seq, and the first new frame is marked as a gap.
        long nextSeq = info.live() && resumed ? job.resumeLastSeq() + 1 : 0;
        long skipThrough = info.live() ? -1 : job.resumeLastSeq();
        boolean gapNext = info.live() && resumed;
        FrameSampler sampler = new FrameSampler(job.sampleFps());
        long sent = 0;
        publishRunning(true);
        while (true) {
            if (stop.reason() != null) {
                return StreamState.STOPPED;
            }
            failIfSendFailed();
            Optional<SourceFrame> next = source.next();
            if (next.isEmpty()) {
                return info.live() ? StreamState.FAILED : StreamState.COMPLETED;
            }
            decoded++;
            meters.decoded.increment();
            SourceFrame frame = next.get();
            if (!sampler.accept(frame.ptsMs())) {
                continue;
            }
            long seq = nextSeq++;
            if (seq <= skipThrough) {
                continue; // already on lw.frames from the run this one resumes
            }
            EncodedJpeg jpeg = deps.jpeg().encode(frame.toImage());
            long now = deps.clock().millis();
            Frame message =
                    Frame.newBuilder()
                            .setStreamId(job.streamId())
                            .setSeq(seq)
                            .setPtsMs(frame.ptsMs())
                            // Files have no capture time: ingest time stands in, per the schema.
                            .setWallMs(now)
                            .setWidth(jpeg.width())
                            .setHeight(jpeg.height())
                            .setJpeg(ByteString.copyFrom(jpeg.bytes()))
                            .setGapBefore(gapNext)
                            .build();
            gapNext = false;
            deps.frames().send(message, acknowledge(seq, frame.ptsMs()));
            sent++;
            meters.frameProduced(now);
            listener.onProgress(job.resumeFramesProduced() + sent, frame.ptsMs(), durationMs);
            publishRunning(false);
        }
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
