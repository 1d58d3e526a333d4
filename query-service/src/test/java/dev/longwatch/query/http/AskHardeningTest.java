package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model call behind ask: cache, concurrency limit, timeout, retries, malformed replies. */
class AskHardeningTest {
    private static final String ASK = "/v1/streams/cam-1/ask";

    @TempDir Path stateDir;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private TestViews topics;
    private RunningApi api;

    private ApiClient start(Duration timeout, int retries, ModelSlots slots) {
        topics = new TestViews(stateDir);
        LlmSettings settings = new LlmSettings(Optional.of(llm.baseUrl()), "fake-vlm", "k", timeout, retries);
        api = new RunningApi(topics.views(), topics, Optional.of(new OpenAiChatModel(settings)), Readiness::isReady, ApiTokens.none(), slots);
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        topics.pipeMemory(memory("cam-1", 1, List.of(slot(0, 6000, 6, 2))));
        topics.pipeFrame(frame("cam-1", 2, 2000));
        return api.client();
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
            topics.close();
        }
        llm.close();
    }

    @Test
    void shouldAnswerTheSameQuestionOnTheSameMemoryFromTheCache() {
        ApiClient client = start(Duration.ofSeconds(30), 0, new ModelSlots(2, Duration.ofSeconds(1)));
        llm.reply(FakeOpenAiServer.Reply.completion("A cat [0.0s-6.0s]."));

        Reply first = client.post(ASK, "{\"question\":\"What is there?\"}");
        Reply second = client.post(ASK, "{\"question\":\"What is there?\"}");
        Reply otherWindow = client.post(ASK, "{\"question\":\"What is there?\",\"toSec\":3}");
        topics.pipeMemory(memory("cam-1", 2, List.of(slot(0, 6000, 6, 2))));
        Reply newMemory = client.post(ASK, "{\"question\":\"What is there?\"}");

        assertThat(first.json()).isEqualTo(second.json());
        assertThat(List.of(first, second, otherWindow, newMemory)).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(llm.requests()).hasSize(3); // second was cached; window and version are part of the key
        assertThat(newMemory.json().path("memoryVersion").asLong()).isEqualTo(2);
        assertThat(client.get("/metrics").text())
                .contains("longwatch_ask_cache_hits_total 1.0")
                .contains("cache_gets_total{cache=\"ask.answers\",result=\"hit\"} 1.0")
                .contains("cache_size{cache=\"ask.answers\"} 3.0");
    }

    @Test
    void shouldAnswer503WhenEveryModelSlotIsBusy() throws Exception {
        ApiClient client = start(Duration.ofSeconds(30), 0, new ModelSlots(1, Duration.ofMillis(200)));
        llm.replies(FakeOpenAiServer.Reply.gated("Slow answer [0.0s-6.0s]."));
        CompletableFuture<Reply> slow = CompletableFuture.supplyAsync(() -> client.post(ASK, "{\"question\":\"slow?\"}"));
        while (api.asks().slots().inUse() == 0) {
            Thread.sleep(10); // until the slow call holds the only slot
        }

        Reply busy = client.post(ASK, "{\"question\":\"another?\"}");
        llm.openGate();

        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.errorCode()).isEqualTo("llm_busy");
        assertThat(slow.get().status()).isEqualTo(200);
        assertThat(slow.get().json().path("answer").asText()).isEqualTo("Slow answer [0.0s-6.0s].");
        assertThat(client.post(ASK, "{\"question\":\"another?\"}").status()).isEqualTo(200);
    }

    @Test
    void shouldGiveUpOnAModelThatNeverAnswersWithAClearError() {
        ApiClient client = start(Duration.ofMillis(300), 0, new ModelSlots(1, Duration.ofSeconds(1)));
        llm.reply(FakeOpenAiServer.Reply.never());

        Reply reply = client.post(ASK, "{\"question\":\"anyone?\"}");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.errorCode()).isEqualTo("llm_error");
        assertThat(reply.json().path("error").path("message").asText()).contains("timed out");
        assertThat(api.asks().slots().inUse()).isZero(); // the slot came back
    }

    @Test
    void shouldRetryAFailedCallWithBackoffAndThenAnswer() {
        ApiClient client = start(Duration.ofSeconds(30), 2, new ModelSlots(1, Duration.ofSeconds(1)));
        llm.replies(
                FakeOpenAiServer.Reply.status(500, "{\"error\":{\"message\":\"warming up\"}}"),
                FakeOpenAiServer.Reply.status(503, "{\"error\":{\"message\":\"still warming\"}}"));
        llm.reply(FakeOpenAiServer.Reply.completion("Now it works [0.0s-6.0s]."));

        Reply reply = client.post(ASK, "{\"question\":\"works?\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("evidence")).hasSize(1);
        assertThat(llm.requests()).hasSize(3);
    }

    @Test
    void shouldNotCacheFailuresOrMalformedReplies() {
        ApiClient client = start(Duration.ofSeconds(30), 0, new ModelSlots(1, Duration.ofSeconds(1)));
        llm.replies(FakeOpenAiServer.Reply.status(200, "{\"choices\": \"not a list\""));
        llm.reply(FakeOpenAiServer.Reply.completion("Fine [0.0s-6.0s]."));

        Reply malformed = client.post(ASK, "{\"question\":\"q\"}");
        Reply retried = client.post(ASK, "{\"question\":\"q\"}");

        assertThat(malformed.status()).isEqualTo(502);
        assertThat(malformed.errorCode()).isEqualTo("llm_error");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(llm.requests()).hasSize(2);
    }
}
