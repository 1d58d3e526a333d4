package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.kafka.EventPublisher;
import dev.longwatch.ingest.kafka.FrameProducer;
import dev.longwatch.ingest.kafka.StatusPublisher;
import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.ingest.source.TestSources;
import dev.longwatch.ingest.source.SourceOptions;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live resilience against a real RTSP server (GStreamer, a child process): the server is killed
 * with SIGKILL or frozen with SIGSTOP mid-stream and brought back; the stream must reconnect,
 * mark the gap and keep its seqs dense. Frames go to MockProducers: Kafka is not under test.
 */
class RtspReconnectITCase {
    static final Path CLIP = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video/malmm-example-70s.mp4").toAbsolutePath().normalize();
    /** Upper bound for each step; the test polls and never waits a fixed time. */
    static final Duration STEP = Duration.ofSeconds(30);

    final MockProducer<String, Frame> frames =
            new MockProducer<>(true, null, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
    final MockProducer<String, StreamStatus> statuses =
            new MockProducer<>(true, null, Topics.STREAM_STATUS.keySerde().serializer(), Topics.STREAM_STATUS.valueSerde().serializer());
    final MockProducer<String, MemoryEvent> events =
            new MockProducer<>(true, null, Topics.EVENTS.keySerde().serializer(), Topics.EVENTS.valueSerde().serializer());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void requireServer() throws Exception {
        RtspServerProcess.assumeAvailable();
        assumeTrue(Files.isReadable(CLIP), "shared clip missing: " + CLIP);
    }

    StreamRun.Deps deps(String transport) {
        Duration stall = Duration.ofSeconds(2);
        return new StreamRun.Deps(
                TestSources.lab(null, new SourceOptions(Duration.ofSeconds(5), stall, transport, false)),
                new JpegEncoder(),
                new FrameProducer(frames),
                new StatusPublisher(statuses),
                new EventPublisher(events),
                new IngestMetrics(registry, Clock.systemUTC()),
                Clock.systemUTC(),
                "ingest-it",
                Duration.ofMillis(200),
                new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.5, stall),
                3);
    }

    List<Frame> sentFrames() {
        return frames.history().stream().map(ProducerRecord::value).toList();
    }

    boolean reconnecting() {
        return statuses.history().stream()
                .anyMatch(r -> r.value() != null && r.value().getState() == StreamState.RECONNECTING);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void shouldReconnectAfterTheServerIsKilledAndMarkTheGap() throws Exception {
        try (RtspServerProcess server = RtspServerProcess.start(CLIP)) {
            StopSignal stop = new StopSignal();
            StreamRun run = new StreamRun(StreamJob.fresh("cam-rtsp", server.uri(), 4.0), deps("tcp"), stop);
            CompletableFuture<IngestResult> result = CompletableFuture.supplyAsync(() -> run.run(ProgressListener.NONE));

            // Given frames flowing over RTSP/TCP
            await("3 frames arrived", () -> sentFrames().size() >= 3);
            // When the camera dies and comes back
            server.kill();
            await("status RECONNECTING", this::reconnecting);
            int beforeOutage = sentFrames().size();
            server.restart();
            await("frames after the outage", () -> sentFrames().size() >= beforeOutage + 3);
            stop.request(StopSignal.Reason.DISABLED);
            IngestResult end = result.get(STEP.toSeconds(), TimeUnit.SECONDS);

            // Then the stream survived with dense seqs, one flagged frame, and a GAP event
            List<Frame> sent = sentFrames();
            assertThat(sent).extracting(Frame::getSeq).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, sent.size()).boxed().toList());
            assertThat(sent).extracting(Frame::getPtsMs).isSorted();
            List<Frame> flagged = sent.stream().filter(Frame::getGapBefore).toList();
            assertThat(flagged).isNotEmpty();
            assertThat(flagged.get(0).getSeq()).isGreaterThan(2);
            List<MemoryEvent> gaps = events.history().stream().map(ProducerRecord::value).toList();
            assertThat(gaps).isNotEmpty().allSatisfy(e -> assertThat(e.getKind()).isEqualTo(EventKind.GAP));
            assertThat(gaps).extracting(MemoryEvent::getSeq).containsExactlyElementsOf(flagged.stream().map(Frame::getSeq).toList());
            assertThat(registry.get("lw.ingest.reconnects").tag("stream", "cam-rtsp").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(end.state()).isEqualTo(StreamState.STOPPED);
            assertThat(end.framesProduced()).isEqualTo(sent.size());
        }
    }

    @Test
    void shouldDetectAStalledServerOverUdpAndReconnect() throws Exception {
        try (RtspServerProcess server = RtspServerProcess.start(CLIP)) {
            StopSignal stop = new StopSignal();
            StreamRun run = new StreamRun(StreamJob.fresh("cam-udp", server.uri(), 4.0), deps("udp"), stop);
            CompletableFuture<IngestResult> result = CompletableFuture.supplyAsync(() -> run.run(ProgressListener.NONE));

            // Given frames flowing over RTSP/UDP
            await("3 frames arrived over UDP", () -> sentFrames().size() >= 3);
            // When the camera freezes with its connection open (no frame for the stall timeout)
            server.pause();
            await("stall detected", this::reconnecting);
            server.resume();
            await("a frame after the stall", () -> sentFrames().stream().anyMatch(Frame::getGapBefore));
            stop.request(StopSignal.Reason.DISABLED);
            IngestResult end = result.get(STEP.toSeconds(), TimeUnit.SECONDS);

            // Then it was reconnected, with the gap flagged and an event
            assertThat(events.history()).extracting(r -> r.value().getKind()).contains(EventKind.GAP);
            assertThat(end.state()).isEqualTo(StreamState.STOPPED);
            List<Frame> sent = sentFrames();
            assertThat(sent).extracting(Frame::getSeq).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, sent.size()).boxed().toList());
        }
    }
}
