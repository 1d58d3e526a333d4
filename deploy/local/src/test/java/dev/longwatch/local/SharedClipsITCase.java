package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.config.LlmSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The spine end to end on a real Kafka broker in a container: every shared clip is registered
 * over HTTP as its own stream, goes through ingest, the encoder worker and the Flink memory job
 * (MiniCluster, RocksDB, exactly-once), and is read back from the query service's views.
 */
class SharedClipsITCase {
    private static final Path CLIPS = Path.of("../../../shared/data/video").toAbsolutePath().normalize();
    private static final int SLOTS = 20;

    private static KafkaContainer kafka;
    private static LocalStack stack;
    private static ApiClient api;

    @TempDir static Path dataDir;

    @BeforeAll
    static void startStack() throws Exception {
        // Generous: a broker JVM on two busy cores can take a minute to come up.
        kafka = new KafkaContainer("apache/kafka:4.2.1").withStartupTimeout(Duration.ofMinutes(3));
        kafka.start();
        LocalStackSettings settings =
                LocalStackSettings.defaults(dataDir)
                        .withExternalBootstrap(kafka.getBootstrapServers())
                        .withHttpPort(0)
                        .withSlots(SLOTS)
                        .withLlm(LlmSettings.none())
                        .withMediaRoots(List.of(CLIPS));
        stack = LocalStack.start(settings);
        api = new ApiClient(stack.httpBase());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void shouldKeepEverySharedClipWhollyInABoundedMemoryWhoseSpansTileTheTimeline() throws Exception {
        List<Path> clips = sharedClips();
        assertThat(clips).hasSizeGreaterThanOrEqualTo(9);
        for (Path clip : clips) {
            api.post("/v1/streams", Map.of("id", streamId(clip), "uri", clip.toString(), "sampleFps", 1.0))
                    .requireSuccess("registering " + clip);
        }
        for (Path clip : clips) {
            String id = streamId(clip);
            JsonNode stream = new MemoryWait(api, id, Duration.ofMinutes(5), stack::fault, state -> {}).untilComplete();
            long frames = stream.path("framesProduced").asLong();
            JsonNode memory = api.get("/v1/streams/" + id + "/memory").requireSuccess("memory of " + id).json();

            assertThat(memory.path("framesSeen").asLong()).as(id).isEqualTo(frames);
            JsonNode slots = memory.path("slots");
            assertThat(slots.size()).as(id).isBetween(1, SLOTS);
            assertThat(slots.get(0).path("startSec").asDouble()).as(id).isZero();
            long framesInSlots = 0;
            double previousEnd = -1;
            for (JsonNode slot : slots) {
                double start = slot.path("startSec").asDouble();
                double end = slot.path("endSec").asDouble();
                assertThat(start).as("%s slot order", id).isGreaterThan(previousEnd).isLessThanOrEqualTo(end);
                // Consecutive slots leave no sample out: at 1 fps the next slot starts less than
                // two sample periods after the previous one ended (one period, plus the distance
                // from the sampling boundary to the first source frame after it).
                if (previousEnd >= 0) {
                    assertThat(start - previousEnd).as("%s gap between slots", id).isLessThan(2.0);
                }
                framesInSlots += slot.path("frames").asLong();
                previousEnd = end;
            }
            assertThat(framesInSlots).as(id).isEqualTo(frames);
            double duration = stream.path("coverageSec").asDouble();
            assertThat(previousEnd).as(id).isEqualTo(duration);
            assertThat(frames).as(id).isBetween((long) Math.floor(duration), (long) Math.ceil(duration) + 1);
        }
    }

    @Test
    void shouldAnswerInEvidenceOnlyModeWithKeyframesThatExist() throws Exception {
        Path clip = CLIPS.resolve("malmm-example-70s.mp4");
        String id = "ask-" + streamId(clip);
        api.post("/v1/streams", Map.of("id", id, "uri", clip.toString())).requireSuccess("registering");
        new MemoryWait(api, id, Duration.ofMinutes(5), stack::fault, state -> {}).untilComplete();

        JsonNode answer =
                api.post("/v1/streams/" + id + "/ask", Map.of("question", "What is shown?"))
                        .requireSuccess("ask")
                        .json();

        assertThat(answer.path("llm").isNull()).isTrue();
        assertThat(answer.path("answer").asText()).contains("No language model is configured");
        assertThat(answer.path("evidence").size()).isBetween(1, SLOTS);
        String keyframe = answer.path("evidence").get(0).path("keyframeUrl").asText();
        ApiClient.Reply jpeg = api.get(keyframe);
        assertThat(jpeg.status()).isEqualTo(200);
    }

    private static List<Path> sharedClips() throws IOException {
        try (Stream<Path> files = Files.list(CLIPS)) {
            return files.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
    }

    private static String streamId(Path clip) {
        return clip.getFileName().toString().replace(".mp4", "").replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
