package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.TenantLimits;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.FakeOpenAiServer;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-tenant limits: streams, subscriptions, open event streams, asks in progress; 429 + Retry-After. */
class TenantLimitsTest {
    private static final String CAMS = "camsToken1";
    private static final String LOBBY = "lobbyToken";

    @TempDir Path stateDir;
    private final FakeOpenAiServer llm = new FakeOpenAiServer();
    private TestViews topics;
    private RunningApi api;
    private ApiClient cams;
    private ApiClient lobby;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        LlmSettings model = new LlmSettings(Optional.of(llm.baseUrl()), "fake-vlm", "k", Duration.ofSeconds(30), 0);
        api = new RunningApi(
                topics.views(), topics, Optional.of(new OpenAiChatModel(model)), Readiness::isReady,
                ApiTokens.parse(CAMS + "=cam-*;" + LOBBY + "=lobby-*"),
                new ModelSlots(4, Duration.ofSeconds(1)), HttpApi.Cluster.single(),
                new HttpApi.Policy(AllowedHosts.of("127.0.0.1", List.of()), new TenantLimits(2, 2, 1, 1)));
        cams = api.client().withToken(CAMS);
        lobby = api.client().withToken(LOBBY);
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
        llm.close();
    }

    private static String stream(String id) {
        return ApiClient.json(Map.of("id", id, "uri", "rtsp://cam.local/" + id));
    }

    private static void assertTooMany(Reply reply, String code) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(429);
        assertThat(reply.errorCode()).isEqualTo(code);
        assertThat(reply.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    }

    @Test
    void shouldLimitTheStreamsOfEachTenant() {
        assertThat(cams.post("/v1/streams", stream("cam-1")).status()).isEqualTo(201);
        assertThat(cams.post("/v1/streams", stream("cam-2")).status()).isEqualTo(201);

        assertTooMany(cams.post("/v1/streams", stream("cam-3")), "too_many_streams");
        assertThat(lobby.post("/v1/streams", stream("lobby-1")).status()).isEqualTo(201);

        assertThat(cams.delete("/v1/streams/cam-1").status()).isEqualTo(204);
        assertThat(cams.post("/v1/streams", stream("cam-3")).status()).isEqualTo(201);
    }

    @Test
    void shouldLimitTheSubscriptionsOfEachTenant() {
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        topics.pipeSpec(spec("lobby-1", "/data/lobby.mp4"));
        String question = "{\"streamId\":\"cam-1\",\"question\":\"Anyone?\",\"cooldownSec\":10}";
        String first = cams.post("/v1/subscriptions", question).json().path("id").asText();
        assertThat(cams.post("/v1/subscriptions", question).status()).isEqualTo(201);

        assertTooMany(cams.post("/v1/subscriptions", question), "too_many_subscriptions");
        assertThat(lobby.post("/v1/subscriptions", question.replace("cam-1", "lobby-1")).status()).isEqualTo(201);

        assertThat(cams.delete("/v1/subscriptions/" + first).status()).isEqualTo(204);
        assertThat(cams.post("/v1/subscriptions", question).status()).isEqualTo(201);
    }

    @Test
    void shouldLimitTheOpenEventStreamsOfEachTenant() throws Exception {
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        String id = cams.post("/v1/subscriptions", "{\"streamId\":\"cam-1\",\"question\":\"Anyone?\"}").json().path("id").asText();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest events = HttpRequest.newBuilder(URI.create(cams.base() + "/v1/subscriptions/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + CAMS).build();

        HttpResponse<InputStream> open = http.send(events, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(open.statusCode()).isEqualTo(200);
        open.body().read(); // the greeting: the stream is registered

        assertTooMany(cams.get("/v1/subscriptions/" + id + "/events", Map.of("Accept", "text/event-stream")), "too_many_event_streams");

        open.body().close();
        // The slot comes back once the server notices the client left (its next write fails).
        boolean again = false;
        for (int i = 0; i < 100; i++) {
            api.answers().publish(dev.longwatch.schema.proto.EventAnswer.newBuilder()
                    .setId(id + "@" + i).setSubscriptionId(id).setStreamId("cam-1").setAnswer("ping").build());
            CompletableFuture<HttpResponse<InputStream>> next = http.sendAsync(events, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response = next.get();
            if (response.statusCode() == 200) {
                response.body().close();
                again = true;
                break;
            }
            response.body().close();
            Thread.sleep(100);
        }
        assertThat(again).as("a new event stream once the first one closed").isTrue();
    }

    @Test
    void shouldLimitTheAsksInProgressOfEachTenant() throws Exception {
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        topics.pipeMemory(memory("cam-1", 1, List.of(slot(0, 6000, 6, 0))));
        topics.pipeSpec(spec("lobby-1", "/data/lobby.mp4"));
        topics.pipeMemory(memory("lobby-1", 1, List.of(slot(0, 6000, 6, 0))));
        llm.replies(
                FakeOpenAiServer.Reply.gated("Slow [0.0s-6.0s]."),
                FakeOpenAiServer.Reply.completion("Quick [0.0s-6.0s]."),
                FakeOpenAiServer.Reply.completion("Again [0.0s-6.0s]."));
        CompletableFuture<Reply> slow =
                CompletableFuture.supplyAsync(() -> cams.post("/v1/streams/cam-1/ask", "{\"question\":\"slow?\"}"));
        while (api.asks().slots().inUse() == 0) {
            Thread.sleep(10);
        }

        assertTooMany(cams.post("/v1/streams/cam-1/ask", "{\"question\":\"another?\"}"), "too_many_asks");
        llm.openGate();
        assertThat(slow.get().status()).isEqualTo(200);
        assertThat(lobby.post("/v1/streams/lobby-1/ask", "{\"question\":\"quick?\"}").status()).isEqualTo(200);
        assertThat(cams.post("/v1/streams/cam-1/ask", "{\"question\":\"again?\"}").status()).isEqualTo(200);
    }
}
