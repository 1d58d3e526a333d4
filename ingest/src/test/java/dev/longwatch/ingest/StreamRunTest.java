package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.kafka.EventPublisher;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.ingest.source.FrameSource;
import dev.longwatch.ingest.kafka.StatusPublisher;
import dev.longwatch.ingest.source.FrameSourceFactory;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class StreamRunTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    // Frames are acknowledged only on flush: statuses must never count unacknowledged frames.
    final MockProducer<String, Frame> frames =
            new MockProducer<>(
                    false, null, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
    final MockProducer<String, StreamStatus> statuses =
            new MockProducer<>(
                    true,
                    null,
                    Topics.STREAM_STATUS.keySerde().serializer(),
                    Topics.STREAM_STATUS.valueSerde().serializer());
    final StatusPublisher statusPublisher = new StatusPublisher(statuses);
    final MockProducer<String, MemoryEvent> events =
            new MockProducer<>(
                    true, null, Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer());
    // Millisecond backoffs: the reconnect tests exercise the loop, BackoffTest the delays.
    static final ReconnectPolicy FAST_RECONNECT =
            new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(4), 2.0, 0.5, Duration.ofSeconds(1));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    StreamRun.Deps deps(FrameSourceFactory sources, MockProducer<String, Frame> frameProducer) {
        return new StreamRun.Deps(
                sources,
                new JpegEncoder(),
                new FrameProducer(frameProducer),
                statusPublisher,
                new EventPublisher(events),
                new IngestMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC)),
                Clock.fixed(NOW, ZoneOffset.UTC),
                "ingest-test",
                Duration.ofSeconds(1),
                FAST_RECONNECT,
                3);
    }

    List<StreamStatus> statusHistory() {
        return statuses.history().stream().map(ProducerRecord::value).toList();
    }

    /** Statuses in {@code state} written after an attempt ended, not the marks written before one. */
    List<StreamStatus> lossReports(StreamState state) {
        return statusHistory().stream()
                .filter(s -> s.getState() == state && s.getUnfinishedAttempts() == 0)
                .toList();
    }

    @Test
    void shouldStampTheStreamIncarnationOnEveryFrameAndStatus() {
        StreamJob job = StreamJob.fresh("cam-i", "/clips/i.mp4", 1.0).withIncarnation(1_793_000_000_000L);

        new StreamRun(job, deps(uri -> FakeFrameSource.file(3), frames), new StopSignal()).run(ProgressListener.NONE);

        assertThat(frames.history()).extracting(r -> r.value().getIncarnation()).containsOnly(1_793_000_000_000L);
        assertThat(statusHistory()).extracting(StreamStatus::getIncarnation).containsOnly(1_793_000_000_000L);
    }

    @Test
    void shouldProduceDenseSeqsKeyedByStreamAndCompleteAfterAcks() {
        FakeFrameSource source = FakeFrameSource.file(10);
        List<long[]> progress = new ArrayList<>();

        IngestResult result =
                new StreamRun(StreamJob.fresh("cam-1", "/clips/a.mp4", 1.0), deps(uri -> source, frames), new StopSignal())
                        .run((n, pts, duration) -> progress.add(new long[] {n, pts, duration}));

        List<ProducerRecord<String, Frame>> sent = frames.history();
        assertThat(sent).hasSize(10);
        assertThat(sent).extracting(ProducerRecord::topic).containsOnly(Topics.FRAMES.name());
        assertThat(sent).extracting(ProducerRecord::key).containsOnly("cam-1");
        assertThat(sent).extracting(r -> r.value().getSeq()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(sent)
                .extracting(r -> r.value().getPtsMs())
                .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L);
        Frame first = sent.get(0).value();
        assertThat(first.getWidth()).isEqualTo(64);
        assertThat(first.getHeight()).isEqualTo(48);
        assertThat(first.getWallMs()).isEqualTo(NOW.toEpochMilli());
        assertThat(first.getGapBefore()).isFalse();
        assertThat(first.getJpeg().toByteArray()).startsWith(0xFF, 0xD8);

        assertThat(result.state()).isEqualTo(StreamState.COMPLETED);
        assertThat(result.framesProduced()).isEqualTo(10);
        assertThat(result.lastSeq()).isEqualTo(9);
        assertThat(result.decodedFrames()).isEqualTo(250);
        assertThat(progress).hasSize(10);
        assertThat(progress.get(9)).containsExactly(10, 9000, 10_000);
        assertThat(source.closed).isTrue();

        List<StreamStatus> history = statusHistory();
        // The first status marks the attempt as started (crash counting), before the source opens.
        assertThat(history.get(0).getState()).isEqualTo(StreamState.PENDING);
        assertThat(history.get(0).getUnfinishedAttempts()).isEqualTo(1);
        assertThat(history.get(history.size() - 1).getUnfinishedAttempts()).isZero();
        // Before the flush nothing was acknowledged, so RUNNING never claimed a frame.
        assertThat(history.subList(1, history.size() - 1))
                .allSatisfy(s -> {
                    assertThat(s.getState()).isEqualTo(StreamState.RUNNING);
                    assertThat(s.getFramesProduced()).isZero();
                });
        StreamStatus last = history.get(history.size() - 1);
        assertThat(last.getState()).isEqualTo(StreamState.COMPLETED);
        assertThat(last.getFramesProduced()).isEqualTo(10);
        assertThat(last.getLastSeq()).isEqualTo(9);
        assertThat(last.getLastPtsMs()).isEqualTo(9000);
        assertThat(last.getDurationMs()).isEqualTo(10_000);
        assertThat(last.getInstance()).isEqualTo("ingest-test");
        assertThat(registry.get("lw.ingest.frames").tag("stream", "cam-1").counter().count()).isEqualTo(10);
        assertThat(registry.get("lw.ingest.last.frame.age").tag("stream", "cam-1").gauge().value()).isZero();
    }

    @Test
    void shouldReportAFailedSourceWithoutCredentials() {
        FrameSourceFactory refusing =
                uri -> {
                    throw new SourceException(SourceException.Reason.UNREADABLE, "cannot open " + uri + ": refused");
                };

        IngestResult result =
                new StreamRun(
                                StreamJob.fresh("cam-2", "rtsp://admin:hunter2@10.0.0.5/live", 1.0),
                                deps(refusing, frames),
                                new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.FAILED);
        assertThat(result.error()).contains("rtsp://***@10.0.0.5/live").doesNotContain("hunter2");
        StreamStatus last = statusHistory().get(statusHistory().size() - 1);
        assertThat(last.getState()).isEqualTo(StreamState.FAILED);
        assertThat(last.getError()).isEqualTo(result.error());
        assertThat(frames.history()).isEmpty();
    }

    @Test
    void shouldKeepFramesBeforeATruncationAndFail() {
        long[] pts = {0, 500, 1000, 1500, 2000};
        FakeFrameSource source =
                new FakeFrameSource(pts, false, new SourceException(SourceException.Reason.TRUNCATED, "clip is truncated"));

        IngestResult result =
                new StreamRun(StreamJob.fresh("cut", "/x.mp4", 1.0), deps(uri -> source, frames), new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.FAILED);
        assertThat(result.error()).isEqualTo("clip is truncated");
        assertThat(result.framesProduced()).isEqualTo(3);
        StreamStatus last = statusHistory().get(statusHistory().size() - 1);
        assertThat(last.getFramesProduced()).isEqualTo(3);
        assertThat(last.getLastSeq()).isEqualTo(2);
    }

    @Test
    void shouldFailAndNotCountFramesPastAFailedSend() {
        MockProducer<String, Frame> failingAtSeq3 =
                new MockProducer<>(
                        true, null, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer()) {
                    @Override
                    public synchronized Future<RecordMetadata> send(
                            ProducerRecord<String, Frame> record, Callback callback) {
                        if (record.value().getSeq() == 3) {
                            RecordTooLargeException e = new RecordTooLargeException("too large");
                            callback.onCompletion(null, e);
                            return CompletableFuture.failedFuture(e);
                        }
                        return super.send(record, callback);
                    }
                };

        IngestResult result =
                new StreamRun(StreamJob.fresh("big", "/x.mp4", 1.0), deps(uri -> FakeFrameSource.file(10), failingAtSeq3), new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.FAILED);
        assertThat(result.error()).contains("writing frames to lw.frames failed").contains("too large");
        assertThat(result.framesProduced()).isEqualTo(3);
        assertThat(result.lastSeq()).isEqualTo(2);
        // The run stops at the failure instead of producing past the hole.
        assertThat(failingAtSeq3.history()).extracting(r -> r.value().getSeq()).containsExactly(0L, 1L, 2L);
        // The failed frame was handed to the producer but never written: it is not counted.
        assertThat(registry.get("lw.ingest.frames").tag("stream", "big").counter().count()).isEqualTo(3);
    }

    @Test
    void shouldCountOnlyFramesKafkaAcknowledgedInTheMetrics() {
        // `frames` acknowledges nothing until the run's final flush; the source reads the meters
        // before each frame it hands out, i.e. while earlier frames are sent but unacknowledged.
        List<Double> countedWhileRunning = new ArrayList<>();
        List<Double> ageWhileRunning = new ArrayList<>();
        FakeFrameSource file = FakeFrameSource.file(10);
        FrameSource observing =
                new FrameSource() {
                    @Override
                    public dev.longwatch.ingest.source.SourceInfo info() {
                        return file.info();
                    }

                    @Override
                    public java.util.Optional<dev.longwatch.ingest.source.SourceFrame> next()
                            throws SourceException {
                        countedWhileRunning.add(
                                registry.get("lw.ingest.frames").tag("stream", "cam-m").counter().count());
                        ageWhileRunning.add(
                                registry.get("lw.ingest.last.frame.age").tag("stream", "cam-m").gauge().value());
                        return file.next();
                    }

                    @Override
                    public void close() {
                        file.close();
                    }
                };

        IngestResult result =
                new StreamRun(StreamJob.fresh("cam-m", "/clips/m.mp4", 1.0), deps(uri -> observing, frames), new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(frames.history()).hasSize(10);
        assertThat(countedWhileRunning).hasSize(251).containsOnly(0.0);
        assertThat(ageWhileRunning).allSatisfy(age -> assertThat(age).isNaN());
        // The flush acknowledged all ten.
        assertThat(result.framesProduced()).isEqualTo(10);
        assertThat(registry.get("lw.ingest.frames").tag("stream", "cam-m").counter().count()).isEqualTo(10);
        assertThat(registry.get("lw.ingest.last.frame.age").tag("stream", "cam-m").gauge().value()).isZero();
    }

    @Test
    void shouldResumeAFileAfterTheLastAcknowledgedSeq() {
        StreamStatus previous =
                StreamStatus.newBuilder()
                        .setStreamId("cam-3")
                        .setState(StreamState.RUNNING)
                        .setFramesProduced(4)
                        .setLastSeq(3)
                        .setLastPtsMs(3000)
                        .build();

        IngestResult result =
                new StreamRun(
                                StreamJob.resuming("cam-3", "/x.mp4", 1.0, previous),
                                deps(uri -> FakeFrameSource.file(6), frames),
                                new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(frames.history()).extracting(r -> r.value().getSeq()).containsExactly(4L, 5L);
        assertThat(frames.history()).extracting(r -> r.value().getPtsMs()).containsExactly(4000L, 5000L);
        assertThat(frames.history()).extracting(r -> r.value().getGapBefore()).containsOnly(false);
        assertThat(result.state()).isEqualTo(StreamState.COMPLETED);
        assertThat(result.framesProduced()).isEqualTo(6);
        assertThat(result.lastSeq()).isEqualTo(5);
    }

    /**
     * A live factory that hands out the given connections in order, then refuses; after {@code
     * refusalsBeforeStop} refusals it asks the run to stop (an operator disabling the camera).
     */
    static FrameSourceFactory scriptedLive(StopSignal stop, int refusalsBeforeStop, FrameSource... connections) {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        return new FrameSourceFactory() {
            @Override
            public FrameSource open(String uri) throws SourceException {
                int n = opened.getAndIncrement();
                if (n < connections.length) {
                    return connections[n];
                }
                if (refused.incrementAndGet() >= refusalsBeforeStop) {
                    stop.request(StopSignal.Reason.DISABLED);
                }
                throw new SourceException(SourceException.Reason.UNREADABLE, "cannot open " + uri + ": Connection refused");
            }

            @Override
            public boolean reconnectable(String uri) {
                return true;
            }
        };
    }

    @Test
    void shouldContinueALiveSourceAfterTheLastSeqWithAGapFlag() {
        StreamStatus previous =
                StreamStatus.newBuilder().setStreamId("live").setFramesProduced(7).setLastSeq(6).setLastPtsMs(6000).build();
        FakeFrameSource live = new FakeFrameSource(new long[] {0, 1000, 2000}, true, null);
        StopSignal stop = new StopSignal();

        IngestResult result =
                new StreamRun(
                                StreamJob.resuming("live", "rtsp://cam/1", 1.0, previous),
                                deps(scriptedLive(stop, 1, live), frames),
                                stop)
                        .run(ProgressListener.NONE);

        assertThat(frames.history()).extracting(r -> r.value().getSeq()).containsExactly(7L, 8L, 9L);
        assertThat(frames.history()).extracting(r -> r.value().getGapBefore()).containsExactly(true, false, false);
        // Times continue after the last frame of the earlier run instead of starting again at 0.
        assertThat(frames.history()).extracting(r -> r.value().getPtsMs()).containsExactly(6001L, 7001L, 8001L);
        assertThat(events.history()).extracting(r -> r.value().getKind()).containsExactly(EventKind.GAP);
        assertThat(result.state()).isEqualTo(StreamState.STOPPED);
        assertThat(result.framesProduced()).isEqualTo(10);
    }

    @Test
    void shouldReconnectALiveSourceThatDropsAndMarkTheGap() {
        StopSignal stop = new StopSignal();
        FakeFrameSource first =
                new FakeFrameSource(new long[] {0, 500, 1000, 1500}, true, new SourceException(SourceException.Reason.DECODE_FAILED, "Connection reset by peer"));
        FakeFrameSource second = new FakeFrameSource(new long[] {0, 1000, 2000}, true, null);

        IngestResult result =
                new StreamRun(StreamJob.fresh("cam-9", "rtsp://admin:pw@cam/9", 1.0), deps(scriptedLive(stop, 3, first, second), frames), stop)
                        .run(ProgressListener.NONE);
        frames.flush();

        // Seqs stay dense across the outage; only the first frame after it is flagged.
        assertThat(frames.history()).extracting(r -> r.value().getSeq()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(frames.history()).extracting(r -> r.value().getGapBefore()).containsExactly(false, false, true, false);
        // The second connection's clock starts again at 0; its frames are shifted to follow the
        // first ones (1001 ms), and sampling goes on on that one time line (next boundary 2 s).
        assertThat(frames.history()).extracting(r -> r.value().getPtsMs()).containsExactly(0L, 1000L, 2001L, 3001L);
        List<MemoryEvent> gaps = events.history().stream().map(ProducerRecord::value).toList();
        assertThat(gaps).hasSize(1);
        assertThat(gaps.get(0).getKind()).isEqualTo(EventKind.GAP);
        assertThat(gaps.get(0).getSeq()).isEqualTo(2);
        assertThat(gaps.get(0).getPtsMs()).isEqualTo(2001);
        assertThat(events.history().get(0).key()).isEqualTo("cam-9");

        // Lost twice (the drop, then the end of the second connection) plus two refused attempts.
        List<StreamStatus> reconnecting = lossReports(StreamState.RECONNECTING);
        assertThat(reconnecting).hasSize(5);
        assertThat(reconnecting.get(0).getError()).contains("Connection reset by peer");
        assertThat(reconnecting).extracting(StreamStatus::getError).noneMatch(e -> e.contains("pw"));
        assertThat(registry.get("lw.ingest.reconnects").tag("stream", "cam-9").counter().count()).isEqualTo(5);
        assertThat(result.state()).isEqualTo(StreamState.STOPPED);
        assertThat(result.framesProduced()).isEqualTo(4);
        assertThat(statusHistory().get(statusHistory().size() - 1).getState()).isEqualTo(StreamState.STOPPED);
        assertThat(first.closed).isTrue();
        assertThat(second.closed).isTrue();
    }

    @Test
    void shouldRetryALiveSourceThatIsDownAtStartWithoutFailingIt() {
        StopSignal stop = new StopSignal();

        IngestResult result =
                new StreamRun(StreamJob.fresh("cam-down", "rtsp://cam/down", 1.0), deps(scriptedLive(stop, 4), frames), stop)
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.STOPPED);
        assertThat(lossReports(StreamState.RECONNECTING)).hasSize(4)
                .allSatisfy(s -> assertThat(s.getError()).contains("Connection refused"));
        assertThat(frames.history()).isEmpty();
        assertThat(events.history()).isEmpty();
    }

    @Test
    void shouldFailALiveUriThatRetryingCannotFix() {
        FrameSourceFactory notAllowed =
                new FrameSourceFactory() {
                    @Override
                    public FrameSource open(String uri) throws SourceException {
                        throw new SourceException(SourceException.Reason.UNSUPPORTED_SCHEME, "unsupported scheme 'rtmp'");
                    }

                    @Override
                    public boolean reconnectable(String uri) {
                        return true;
                    }
                };

        IngestResult result =
                new StreamRun(StreamJob.fresh("bad", "rtmp://x", 1.0), deps(notAllowed, frames), new StopSignal())
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.FAILED);
        assertThat(result.error()).contains("unsupported scheme");
        assertThat(statusHistory()).noneMatch(s -> s.getState() == StreamState.RECONNECTING);
    }

    @Test
    void shouldStopOnRequestAndTombstoneWhenDeleted() {
        StopSignal stop = new StopSignal();
        stop.request(StopSignal.Reason.DELETED);

        IngestResult result =
                new StreamRun(StreamJob.fresh("gone", "/x.mp4", 1.0), deps(uri -> FakeFrameSource.file(5), frames), stop)
                        .run(ProgressListener.NONE);

        assertThat(result.state()).isEqualTo(StreamState.STOPPED);
        assertThat(frames.history()).isEmpty();
        ProducerRecord<String, StreamStatus> last = statuses.history().get(statuses.history().size() - 1);
        assertThat(last.key()).isEqualTo("gone");
        assertThat(last.value()).isNull();
        assertThat(statusPublisher.latest("gone")).isEmpty();
        // Once finished, a late stop request is refused so the caller handles it.
        assertThat(stop.request(StopSignal.Reason.DELETED)).isFalse();
    }
}
