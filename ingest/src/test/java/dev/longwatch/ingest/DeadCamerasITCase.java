package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.ingest.kafka.StatusReader;
import dev.longwatch.schema.KafkaClientProperties;
import dev.longwatch.ingest.live.ReconnectPolicy;
import dev.longwatch.ingest.source.TestSources;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 cameras that accept and never answer, then one file, on an instance with 8 network workers:
 * the file completes, and every one of the 32 cameras gets its attempts (RECONNECTING), which is
 * only possible if a camera waiting out its backoff holds no worker. Before the change the first
 * 8 cameras held all 8 workers for good: the other 24 and the file stayed PENDING.
 */
class DeadCamerasITCase {
    static final Path CLIP = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video/videollama-boat.mp4")
            .toAbsolutePath().normalize();
    static final int CAMERAS = 32;

    @TempDir Path dir;

    @Test
    void shouldCompleteAFileAndTryEveryCameraWhile32CamerasAreDead() throws Exception {
        assumeTrue(Files.isReadable(CLIP), "shared clip missing: " + CLIP);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1);
                SilentCamera dead = new SilentCamera()) {
            TopicAdmin.createAll(kafka.bootstrapServers(), 2, (short) 1);
            IngestSettings settings = IngestSettings.defaults(kafka.bootstrapServers())
                    .withInstanceId("ingest-dead-cameras")
                    .withMaxConcurrentStreams(8)
                    .withMaxNetworkStreams(8)
                    .withSafety(SourceSafety.defaults()
                            .withMediaRoots(List.of(CLIP.getParent()))
                            .withNetworks(List.of(TestSources.TEST_SERVERS), List.of()))
                    // A camera that never answers fails after 2 s; then 0.5 s doubling to 5 s.
                    .withReconnect(new ReconnectPolicy(
                            Duration.ofMillis(500), Duration.ofSeconds(5), 2.0, 0.5, Duration.ofSeconds(2)));
            try (IngestService ingest = new IngestService(settings, new SimpleMeterRegistry())) {
                ingest.start();
                List<String> cameras = new ArrayList<>();
                try (KafkaProducer<String, StreamSpec> producer = producer(kafka)) {
                    for (int i = 0; i < CAMERAS; i++) {
                        String id = "dead-" + i;
                        cameras.add(id);
                        send(producer, id, dead.url("cam" + i));
                    }
                    producer.flush();
                    Thread.sleep(500); // the cameras first: they take every network worker there is
                    send(producer, "file", CLIP.toString());
                }

                Map<String, StreamStatus> statuses = awaitStatuses(kafka, Duration.ofSeconds(90), s ->
                        s.containsKey("file") && s.get("file").getState() == StreamState.COMPLETED
                                && cameras.stream().allMatch(id -> s.containsKey(id)
                                        && s.get(id).getState() == StreamState.RECONNECTING));
                assertThat(statuses.get("file").getState()).isEqualTo(StreamState.COMPLETED);
                assertThat(statuses.get("file").getFramesProduced()).isEqualTo(7);
                assertThat(cameras).allSatisfy(id -> {
                    assertThat(statuses.get(id).getState()).as(id).isEqualTo(StreamState.RECONNECTING);
                    // What a user sees of a camera that does not answer: nothing about why.
                    assertThat(statuses.get(id).getError()).as(id).isIn("source unreachable", "the source stopped sending video");
                });
                assertThat(dead.connectionsSwallowed()).isGreaterThanOrEqualTo(CAMERAS);
                long networkWorkers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("lw-ingest-net-")).count();
                assertThat(networkWorkers).isLessThanOrEqualTo(8);
                System.out.printf("DeadCamerasITCase: file COMPLETED with %d cameras dead; %d silent connections%n",
                        CAMERAS, dead.connectionsSwallowed());
            }
        }
    }

    static KafkaProducer<String, StreamSpec> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Topics.STREAMS.keySerde().serializer(),
                Topics.STREAMS.valueSerde().serializer());
    }

    static void send(KafkaProducer<String, StreamSpec> producer, String id, String uri) throws Exception {
        producer.send(new ProducerRecord<>(Topics.STREAMS.name(), id, StreamSpec.newBuilder()
                .setId(id).setUri(uri).setSampleFps(1).setEnabled(true)
                .setCreatedMs(System.currentTimeMillis()).build())).get();
    }

    /** Polls lw.stream-status until {@code done} holds or the time is up; returns the last read. */
    static Map<String, StreamStatus> awaitStatuses(
            EmbeddedKafka kafka, Duration timeout, java.util.function.Predicate<Map<String, StreamStatus>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, StreamStatus> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = StatusReader.readAll(KafkaClientProperties.none().clientConfig(kafka.bootstrapServers()), "test-status-" + System.nanoTime(), Duration.ofSeconds(10));
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        return last;
    }
}
