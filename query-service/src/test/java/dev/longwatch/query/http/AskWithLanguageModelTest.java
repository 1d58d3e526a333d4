package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.FakeOpenAiServer.SeenImage;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/streams/{id}/ask against a local OpenAI-compatible server that records requests. */
class AskWithLanguageModelTest {
    private static final String ASK = "/v1/streams/cam-1/ask";

    @TempDir Path stateDir;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private TestViews topics;
    private RunningApi api;
    private ApiClient client;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        LlmSettings settings =
                new LlmSettings(Optional.of(llm.baseUrl()), "fake-vlm", "k", Duration.ofSeconds(30), 0);
        api = new RunningApi(topics.views(), topics, Optional.of(new OpenAiChatModel(settings)), Readiness::isReady);
        client = api.client();
        topics.pipeSpec(spec("cam-1", "/data/video/cam1.mp4"));
        topics.pipeMemory(
                memory("cam-1", 9, List.of(slot(0, 6000, 6, 2), slot(6000, 12500, 7, 9), slot(12500, 18000, 5, 16))));
        for (long seq : new long[] {2, 9, 16}) {
            topics.pipeFrame(frame("cam-1", seq, seq * 1000));
        }
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
        llm.close();
    }

    @Test
    void shouldSendOneImagePerSlotAfterItsTimeMarkerThenTheQuestion() {
        llm.reply(FakeOpenAiServer.Reply.completion("A person walks in [6.0s-12.5s]."));

        Reply reply = client.post(ASK, "{\"question\":\"Who walks in?\"}");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode request = llm.requests().get(0);
        assertThat(FakeOpenAiServer.systemText(request)).contains("time-stamped keyframes").contains("[12.0s-18.0s]");
        List<SeenImage> images = FakeOpenAiServer.images(request);
        assertThat(images).extracting(SeenImage::markerBefore)
                .containsExactly(
                        "Slot 1: <t=0.0s> to <t=6.0s> (6 frames)",
                        "Slot 2: <t=6.0s> to <t=12.5s> (7 frames)",
                        "Slot 3: <t=12.5s> to <t=18.0s> (5 frames)");
        assertThat(images).extracting(SeenImage::jpeg)
                .containsExactly(jpeg("cam-1", 2), jpeg("cam-1", 9), jpeg("cam-1", 16));
        JsonNode parts = FakeOpenAiServer.userParts(request);
        assertThat(parts.get(parts.size() - 1).path("text").asText()).isEqualTo("Question: Who walks in?");
    }

    @Test
    void shouldKeepCitedSpansThatMatchSlotsAndDropInventedOnes() {
        llm.reply(FakeOpenAiServer.Reply.completion(
                "Someone enters [6.0s-12.5s] and leaves at [40.0s-45.0s]; the door shuts [12.5s–18.0s]."));

        JsonNode answer = client.post(ASK, "{\"question\":\"What happens at the door?\"}").json();

        assertThat(answer.path("answer").asText()).startsWith("Someone enters [6.0s-12.5s]");
        assertThat(answer.path("evidence")).hasSize(2);
        assertThat(answer.path("evidence").get(0).path("startSec").asDouble()).isEqualTo(6.0);
        assertThat(answer.path("evidence").get(0).path("endSec").asDouble()).isEqualTo(12.5);
        assertThat(answer.path("evidence").findValuesAsText("keyframeUrl"))
                .containsExactly("/v1/frames/cam-1/0/9.jpg", "/v1/frames/cam-1/0/16.jpg");
        assertThat(answer.path("memoryVersion").asLong()).isEqualTo(9);
        assertThat(answer.path("llm").path("model").asText()).isEqualTo("fake-vlm-served");
        assertThat(answer.path("llm").path("latencyMs").isIntegralNumber()).isTrue();
    }

    @Test
    void shouldShowTheModelOnlyTheSlotsInTheWindow() {
        llm.reply(FakeOpenAiServer.Reply.completion("Nothing there [0.0s-6.0s]."));

        JsonNode answer = client.post(ASK, "{\"question\":\"q\",\"fromSec\":7,\"toSec\":13}").json();

        assertThat(FakeOpenAiServer.images(llm.requests().get(0))).extracting(SeenImage::markerBefore)
                .containsExactly("Slot 1: <t=6.0s> to <t=12.5s> (7 frames)", "Slot 2: <t=12.5s> to <t=18.0s> (5 frames)");
        assertThat(answer.path("evidence")).isEmpty(); // 0-6 s was never shown: invented
    }

    @Test
    void shouldAnswer502WithJsonErrorWhenTheModelFails() {
        llm.reply(FakeOpenAiServer.Reply.status(500, "{\"error\":{\"message\":\"out of memory\"}}"));
        Reply failed = client.post(ASK, "{\"question\":\"q\"}");
        llm.reply(FakeOpenAiServer.Reply.status(200, "not json at all"));
        Reply malformed = client.post(ASK, "{\"question\":\"q\"}");

        assertThat(List.of(failed, malformed)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.errorCode()).isEqualTo("llm_error");
            assertThat(r.text()).doesNotContain("\tat ");
        });
        assertThat(failed.json().path("error").path("message").asText()).contains("500").contains("out of memory");
        assertThat(client.get("/metrics").text())
                .contains("longwatch_llm_calls_total 2.0")
                .contains("longwatch_llm_errors_total 2.0");
    }
}
