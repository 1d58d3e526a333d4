package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.chapter;
import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static dev.longwatch.query.testing.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.Fixtures;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API in-process, over the real views topology on a TopologyTestDriver. */
class HttpApiTest {
    @TempDir Path stateDir;
    private TestViews topics;
    private FailingViews views;
    private AtomicReference<Readiness> readiness;
    private RunningApi api;
    private ApiClient client;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        views = new FailingViews(topics.views());
        readiness = new AtomicReference<>(Readiness.isReady());
        api = new RunningApi(views, topics, Optional.empty(), readiness::get);
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
    }

    private static String createBody(String id, String uri) {
        return ApiClient.json(Map.of("id", id, "uri", uri, "sampleFps", 2.0));
    }

    /** Three slots over 0-18 s of stream "cam-1", keyframes 0, 7, 15 stored. */
    private void cam1WithMemory() {
        topics.pipeSpec(spec("cam-1", "/data/video/cam1.mp4"));
        topics.pipeMemory(
                memory("cam-1", 42, List.of(slot(0, 6000, 6, 0), slot(6000, 12000, 6, 7), slot(12000, 18000, 6, 15))));
        for (long seq : new long[] {0, 7, 15}) {
            topics.pipeFrame(frame("cam-1", seq, seq * 1000));
        }
    }

    @Test
    void shouldCreateStreamAndShowItPending() {
        Reply created = client.post("/v1/streams", createBody("cam-1", "rtsp://cam.local:554/live"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("id").asText()).isEqualTo("cam-1");
        StreamSpec written = topics.views().spec("cam-1").orElseThrow();
        assertThat(written.getUri()).isEqualTo("rtsp://cam.local:554/live");
        assertThat(written.getSampleFps()).isEqualTo(2.0);
        assertThat(written.getEnabled()).isTrue();
        assertThat(written.getCreatedMs()).isEqualTo(Fixtures.BEGINNING.toEpochMilli());

        JsonNode shown = client.get("/v1/streams/cam-1").json();
        assertThat(shown.path("state").asText()).isEqualTo("PENDING");
        assertThat(shown.path("sampleFps").asDouble()).isEqualTo(2.0);
        assertThat(shown.path("framesProduced").asLong()).isZero();
        assertThat(shown.path("memoryVersion").isNull()).isTrue();
        assertThat(shown.path("error").isNull()).isTrue();
        assertThat(client.get("/v1/streams").json().path("streams").findValuesAsText("id")).containsExactly("cam-1");
    }

    @Test
    void shouldAcceptEverySupportedSourceKind() {
        List<String> uris =
                List.of(
                        "/data/video/a.mp4",
                        "file:///data/video/b.mp4",
                        "rtsp://cam/live",
                        "rtsps://cam/live",
                        "http://example.org/live.m3u8",
                        "https://example.org/clip.mp4");
        for (int i = 0; i < uris.size(); i++) {
            assertThat(client.post("/v1/streams", createBody("s" + i, uris.get(i))).status())
                    .as(uris.get(i))
                    .isEqualTo(201);
        }
        assertThat(client.get("/v1/streams").json().path("streams")).hasSize(uris.size());
    }

    @Test
    void shouldRejectBadIdUriAndSchemeWithJsonErrors() {
        Reply badId = client.post("/v1/streams", createBody("no/slashes", "/v.mp4"));
        Reply relative = client.post("/v1/streams", createBody("cam-1", "videos/a.mp4"));
        Reply ftp = client.post("/v1/streams", createBody("cam-1", "ftp://host/a.mp4"));
        Reply noHost = client.post("/v1/streams", createBody("cam-1", "rtsp:///live"));
        Reply badFps = client.post("/v1/streams", ApiClient.json(Map.of("id", "cam-1", "uri", "/v.mp4", "sampleFps", 0)));

        assertThat(List.of(badId, relative, ftp, noHost, badFps)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.json().path("error").path("message").asText()).isNotBlank();
        });
        assertThat(badId.errorCode()).isEqualTo("invalid_id");
        assertThat(relative.errorCode()).isEqualTo("invalid_uri");
        assertThat(ftp.errorCode()).isEqualTo("unsupported_scheme");
        assertThat(ftp.json().path("error").path("message").asText()).contains("ftp");
        assertThat(noHost.errorCode()).isEqualTo("invalid_uri");
        assertThat(badFps.errorCode()).isEqualTo("invalid_sample_fps");
        assertThat(topics.views().specs()).isEmpty();
    }

    @Test
    void shouldAnswer409WhenStreamExists() {
        topics.pipeSpec(spec("cam-1", "/a.mp4"));

        Reply again = client.post("/v1/streams", createBody("cam-1", "/b.mp4"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("stream_exists");
        assertThat(topics.views().spec("cam-1").orElseThrow().getUri()).isEqualTo("/a.mp4");
    }

    @Test
    void shouldAnswer400ForMalformedJsonOrUnknownFields() {
        Reply broken = client.post("/v1/streams", "{\"id\": \"cam-1\", ");
        Reply notObject = client.post("/v1/streams", "[]");
        Reply unknown = client.post("/v1/streams", "{\"id\":\"cam-1\",\"url\":\"/a.mp4\"}");
        Reply empty = client.post("/v1/streams/cam-1/ask", "");

        assertThat(List.of(broken, notObject, unknown, empty)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_json");
            assertThat(r.text()).doesNotContain("\tat ").doesNotContain("Exception");
        });
        assertThat(unknown.json().path("error").path("message").asText()).contains("'url'");
    }

    @Test
    void shouldRedactCredentialsInSourceUri() {
        topics.pipeSpec(spec("cam-1", "rtsp://admin:s3cret@10.0.0.7:554/stream1"));

        JsonNode shown = client.get("/v1/streams/cam-1").json();

        assertThat(shown.path("uri").asText()).isEqualTo("rtsp://admin:***@10.0.0.7:554/stream1");
        assertThat(client.get("/v1/streams").text()).doesNotContain("s3cret");
    }

    @Test
    void shouldShowStateFramesAndCoverageOfAStream() {
        cam1WithMemory();
        topics.pipeStatus(status("cam-1", StreamState.COMPLETED, 18, ""));
        topics.pipeSpec(spec("cam-2", "rtsp://gone/live"));
        topics.pipeStatus(status("cam-2", StreamState.FAILED, 0, "connection refused"));

        JsonNode cam1 = client.get("/v1/streams/cam-1").json();
        JsonNode cam2 = client.get("/v1/streams/cam-2").json();

        assertThat(cam1.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(cam1.path("framesProduced").asLong()).isEqualTo(18);
        assertThat(cam1.path("framesInMemory").asLong()).isEqualTo(18);
        assertThat(cam1.path("coverageSec").asDouble()).isEqualTo(18.0);
        assertThat(cam1.path("memoryVersion").asLong()).isEqualTo(42);
        assertThat(cam2.path("state").asText()).isEqualTo("FAILED");
        assertThat(cam2.path("error").asText()).isEqualTo("connection refused");
    }

    @Test
    void shouldDeleteStream() {
        topics.pipeSpec(spec("cam-1", "/a.mp4"));

        assertThat(client.delete("/v1/streams/cam-1").status()).isEqualTo(204);
        assertThat(client.get("/v1/streams/cam-1").status()).isEqualTo(404);
        assertThat(client.delete("/v1/streams/cam-1").status()).isEqualTo(404);
    }

    @Test
    void shouldAnswer404AsJsonForUnknownStreamsAndRoutes() {
        List<Reply> replies =
                List.of(
                        client.get("/v1/streams/nope"),
                        client.delete("/v1/streams/nope"),
                        client.get("/v1/streams/nope/memory"),
                        client.post("/v1/streams/nope/ask", "{\"question\":\"what?\"}"),
                        client.get("/v1/frames/nope/0/1.jpg"),
                        client.get("/v1/no-such-route"));

        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("not_found");
            assertThat(r.json().path("error").path("message").asText()).isNotBlank();
        });
    }

    @Test
    void shouldServeMemorySlotsInSecondsWithKeyframeUrls() {
        cam1WithMemory();

        JsonNode all = client.get("/v1/streams/cam-1/memory").json();
        JsonNode window = client.get("/v1/streams/cam-1/memory?from=7&to=12.5").json();

        assertThat(all.path("streamId").asText()).isEqualTo("cam-1");
        assertThat(all.path("version").asLong()).isEqualTo(42);
        assertThat(all.path("framesSeen").asLong()).isEqualTo(18);
        assertThat(all.path("slots")).hasSize(3);
        JsonNode second = all.path("slots").get(1);
        assertThat(second.path("startSec").asDouble()).isEqualTo(6.0);
        assertThat(second.path("endSec").asDouble()).isEqualTo(12.0);
        assertThat(second.path("frames").asLong()).isEqualTo(6);
        assertThat(second.path("keyframeUrl").asText()).isEqualTo("/v1/frames/cam-1/0/7.jpg");
        assertThat(window.path("slots").findValuesAsText("keyframeUrl"))
                .containsExactly("/v1/frames/cam-1/0/7.jpg", "/v1/frames/cam-1/0/15.jpg");
    }

    /**
     * Stream "long" with two sealed chapters of 600 s (six 99 s slots each) and a current bank of
     * three slots from 1200 s: 15 slots in all, M = 8 (the fixture snapshot's capacity).
     */
    private void longStreamWithChapters() {
        topics.pipeSpec(spec("long", "/data/video/long.mp4"));
        for (int index = 0; index < 2; index++) {
            long start = index * 600_000L;
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long slotStart = start + i * 100_000L;
                slots.add(slot(slotStart, slotStart + 99_000, 10, slotStart / 1000, 1, index * 6 + i));
            }
            topics.pipeChapter(chapter("long", index, start, start + 600_000, slots));
        }
        List<Slot> current = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long slotStart = 1_200_000 + i * 100_000L;
            current.add(slot(slotStart, slotStart + 99_000, 10, slotStart / 1000, 1, 12 + i));
        }
        topics.pipeMemory(memory("long", 9, current));
    }

    @Test
    void shouldCountCoverageFromTheFirstSealedChapterToTheEndOfTheOpenBank() {
        longStreamWithChapters();

        JsonNode shown = client.get("/v1/streams/long").json();
        JsonNode listed = client.get("/v1/streams").json().path("streams").get(0);

        // Not the open bank's 299 s: the memory spans the two sealed chapters too.
        assertThat(shown.path("coverageSec").asDouble()).isEqualTo(1499.0);
        assertThat(listed.path("coverageSec").asDouble()).isEqualTo(1499.0);
    }

    @Test
    void shouldMergeSealedChaptersAndCurrentBankDownToCapacityOverTheWholeRange() {
        longStreamWithChapters();

        JsonNode all = client.get("/v1/streams/long/memory").json();

        JsonNode slots = all.path("slots");
        assertThat(slots.size()).isLessThanOrEqualTo(8).isGreaterThan(1);
        assertThat(slots.get(0).path("startSec").asDouble()).isEqualTo(0.0);
        assertThat(slots.get(slots.size() - 1).path("endSec").asDouble()).isEqualTo(1499.0);
        for (int i = 1; i < slots.size(); i++) {
            assertThat(slots.get(i).path("startSec").asDouble())
                    .isGreaterThan(slots.get(i - 1).path("endSec").asDouble());
        }
        long frames = 0;
        for (JsonNode slot : slots) {
            frames += slot.path("frames").asLong();
        }
        assertThat(frames).as("every frame of 15 slots of 10 frames, merged, not dropped").isEqualTo(150);
        assertThat(all.path("version").asLong()).isEqualTo(9);
    }

    @Test
    void shouldAnswerWindowInsideFirstChapterFromThatChapterOnly() {
        longStreamWithChapters();

        JsonNode window = client.get("/v1/streams/long/memory?from=50&to=450").json();
        JsonNode answer =
                client.post("/v1/streams/long/ask", "{\"question\":\"What happens?\",\"fromSec\":50,\"toSec\":450}")
                        .json();

        assertThat(window.path("slots").findValuesAsText("keyframeUrl"))
                .containsExactly(
                        "/v1/frames/long/0/0.jpg",
                        "/v1/frames/long/0/100.jpg",
                        "/v1/frames/long/0/200.jpg",
                        "/v1/frames/long/0/300.jpg",
                        "/v1/frames/long/0/400.jpg");
        assertThat(window.path("slots").findValues("endSec")).allSatisfy(end -> assertThat(end.asDouble()).isLessThan(600));
        assertThat(answer.path("answer").asText()).endsWith("the memory holds 5 slots covering 0.0 s to 499.0 s.");
    }

    @Test
    void shouldServeEmptyMemoryForRegisteredStreamWithoutOne() {
        topics.pipeSpec(spec("cam-1", "/a.mp4"));

        Reply reply = client.get("/v1/streams/cam-1/memory");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("slots")).isEmpty();
        assertThat(reply.json().path("version").asLong()).isZero();
    }

    @Test
    void shouldRejectBadMemoryWindow() {
        cam1WithMemory();

        assertThat(client.get("/v1/streams/cam-1/memory?from=abc").errorCode()).isEqualTo("invalid_window");
        assertThat(client.get("/v1/streams/cam-1/memory?from=10&to=5").status()).isEqualTo(400);
        assertThat(client.get("/v1/streams/cam-1/memory?from=-1").status()).isEqualTo(400);
    }

    @Test
    void shouldServeFrameJpeg() {
        cam1WithMemory();

        Reply frame = client.get("/v1/frames/cam-1/0/7.jpg");
        Reply missing = client.get("/v1/frames/cam-1/0/8.jpg");
        Reply badSeq = client.get("/v1/frames/cam-1/0/seven.jpg");

        assertThat(frame.status()).isEqualTo(200);
        assertThat(frame.contentType()).isEqualTo("image/jpeg");
        assertThat(frame.body()).isEqualTo(jpeg("cam-1", 7));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("not_found");
        assertThat(badSeq.status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerInEvidenceOnlyModeWithoutModel() {
        cam1WithMemory();

        JsonNode answer = client.post("/v1/streams/cam-1/ask", "{\"question\":\"Who enters the room?\"}").json();

        assertThat(answer.path("answer").asText())
                .isEqualTo("No language model is configured (set LONGWATCH_LLM_URL and LONGWATCH_LLM_MODEL);"
                        + " evidence only: the memory holds 3 slots covering 0.0 s to 18.0 s.");
        assertThat(answer.path("evidence").findValuesAsText("keyframeUrl"))
                .containsExactly("/v1/frames/cam-1/0/0.jpg", "/v1/frames/cam-1/0/7.jpg", "/v1/frames/cam-1/0/15.jpg");
        assertThat(answer.path("evidence").get(2).path("startSec").asDouble()).isEqualTo(12.0);
        assertThat(answer.path("evidence").get(2).path("endSec").asDouble()).isEqualTo(18.0);
        assertThat(answer.path("memoryVersion").asLong()).isEqualTo(42);
        assertThat(answer.has("llm")).isTrue();
        assertThat(answer.path("llm").isNull()).isTrue();
    }

    @Test
    void shouldLimitEvidenceOnlyAnswerToTheWindow() {
        cam1WithMemory();

        JsonNode answer =
                client.post("/v1/streams/cam-1/ask", "{\"question\":\"What happens?\",\"fromSec\":13,\"toSec\":20}").json();

        assertThat(answer.path("answer").asText()).endsWith("the memory holds 1 slot covering 12.0 s to 18.0 s.");
        assertThat(answer.path("evidence").findValuesAsText("keyframeUrl")).containsExactly("/v1/frames/cam-1/0/15.jpg");
    }

    @Test
    void shouldRejectBadQuestionsAndWindows() {
        cam1WithMemory();

        Reply blank = client.post("/v1/streams/cam-1/ask", "{\"question\":\"   \"}");
        Reply missing = client.post("/v1/streams/cam-1/ask", "{}");
        Reply tooLong = client.post("/v1/streams/cam-1/ask", ApiClient.json(Map.of("question", "x".repeat(2001))));
        Reply backwards = client.post("/v1/streams/cam-1/ask", "{\"question\":\"q\",\"fromSec\":9,\"toSec\":3}");
        Reply negative = client.post("/v1/streams/cam-1/ask", "{\"question\":\"q\",\"fromSec\":-3}");

        assertThat(blank.errorCode()).isEqualTo("invalid_question");
        assertThat(missing.errorCode()).isEqualTo("invalid_question");
        assertThat(tooLong.errorCode()).isEqualTo("invalid_question");
        assertThat(tooLong.json().path("error").path("message").asText()).contains("2000");
        assertThat(backwards.errorCode()).isEqualTo("invalid_window");
        assertThat(negative.errorCode()).isEqualTo("invalid_window");
        assertThat(List.of(blank, missing, tooLong, backwards, negative)).allSatisfy(r -> assertThat(r.status()).isEqualTo(400));
        assertThat(client.post("/v1/streams/cam-1/ask", ApiClient.json(Map.of("question", "x".repeat(2000)))).status())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswer404WhenStreamHasNoMemoryYet() {
        topics.pipeSpec(spec("cam-1", "/a.mp4"));

        Reply reply = client.post("/v1/streams/cam-1/ask", "{\"question\":\"anything?\"}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.errorCode()).isEqualTo("no_memory");
    }

    @Test
    void shouldReportReadinessAndHealth() {
        readiness.set(Readiness.notReady("Kafka Streams is REBALANCING"));
        Reply notReady = client.get("/readyz");
        readiness.set(Readiness.isReady());

        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.errorCode()).isEqualTo("not_ready");
        assertThat(notReady.json().path("error").path("message").asText()).contains("REBALANCING");
        assertThat(client.get("/readyz").status()).isEqualTo(200);
        assertThat(client.get("/healthz").json().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void shouldAnswer503WhileViewsAreUnavailableAnd500WithoutStackTrace() {
        topics.pipeSpec(spec("cam-1", "/a.mp4"));
        views.failure.set(new ViewsUnavailableException("store 'streams' is rebalancing", null));
        Reply unavailable = client.get("/v1/streams/cam-1");
        views.failure.set(new IllegalStateException("boom in a view"));
        Reply broken = client.get("/v1/streams/cam-1");

        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.errorCode()).isEqualTo("unavailable");
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.errorCode()).isEqualTo("internal");
        assertThat(broken.text()).doesNotContain("boom").doesNotContain("IllegalStateException").doesNotContain("\tat ");
    }

    @Test
    void shouldCountRequestsByRouteTemplateInPrometheusMetrics() {
        cam1WithMemory();
        client.get("/v1/streams/cam-1");
        client.get("/v1/streams/cam-1");
        client.get("/v1/streams/unknown");

        Reply metrics = client.get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.text())
                .contains("longwatch_http_requests_total{method=\"GET\",route=\"/v1/streams/{id}\",status=\"200\"} 2.0")
                .contains("longwatch_http_requests_total{method=\"GET\",route=\"/v1/streams/{id}\",status=\"404\"} 1.0")
                .contains("longwatch_ask_latency_seconds")
                .contains("longwatch_llm_calls_total");
    }

    /** The real views, or a failure when the test sets one. */
    private static final class FailingViews implements MemoryViews {
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final MemoryViews real;

        FailingViews(MemoryViews real) {
            this.real = real;
        }

        private void maybeFail() {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public Optional<MemorySnapshot> memory(String streamId) {
            maybeFail();
            return real.memory(streamId);
        }

        @Override
        public List<Chapter> chapters(String streamId) {
            maybeFail();
            return real.chapters(streamId);
        }

        @Override
        public Optional<StreamSpec> spec(String streamId) {
            maybeFail();
            return real.spec(streamId);
        }

        @Override
        public Optional<StreamStatus> status(String streamId) {
            maybeFail();
            return real.status(streamId);
        }

        @Override
        public List<StreamSpec> specs() {
            maybeFail();
            return real.specs();
        }

        @Override
        public Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq) {
            maybeFail();
            return real.frameJpeg(streamId, incarnation, seq);
        }
    }
}
