package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.subscriptions.SubscribeClient;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EvidenceSpan;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST/GET/DELETE /v1/subscriptions and the SSE feed of answers. */
class SubscriptionApiTest {
    private static final String CAMS = "camsToken1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path stateDir;
    private TestViews topics;
    private RunningApi api;
    private ApiClient client;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        api = new RunningApi(topics.views(), topics, Optional.empty(), Readiness::isReady,
                ApiTokens.parse(CAMS + "=cam-*"), new ModelSlots(1, Duration.ofSeconds(1)));
        client = api.client().withToken(CAMS);
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        topics.pipeSpec(spec("door", "/data/door.mp4"));
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
    }

    private String create(String streamId, String question, int cooldown) {
        Reply reply = client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", streamId, "question", question, "cooldownSec", cooldown)));
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        return reply.json().path("id").asText();
    }

    private static EventAnswer answer(String subscriptionId, long atMs, String text) {
        return EventAnswer.newBuilder()
                .setId(subscriptionId + "@" + atMs)
                .setSubscriptionId(subscriptionId)
                .setStreamId("cam-1")
                .setAtMs(atMs)
                .setAnswer(text)
                .addEvidence(EvidenceSpan.newBuilder().setStartSec(10).setEndSec(20).setKeyframeSeq(14))
                .build();
    }

    @Test
    void shouldCreateShowAndDeleteASubscriptionThroughTheCompactedTopic() {
        Reply created = client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "cam-1", "question", " Door open? ", "cooldownSec", 30)));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().path("id").asText();
        assertThat(id).startsWith("sub-");
        // Evidence-only mode: kept, but the answer says it needs a model.
        assertThat(created.json().path("evaluated").asBoolean()).isFalse();
        assertThat(created.json().path("note").asText()).contains("LONGWATCH_LLM_URL");
        assertThat(topics.subscriptions().get(id)).hasValueSatisfying(s -> {
            assertThat(s.getStreamId()).isEqualTo("cam-1");
            assertThat(s.getQuestion()).isEqualTo("Door open?");
            assertThat(s.getCooldownS()).isEqualTo(30);
            assertThat(s.getCreatedMs()).isEqualTo(dev.longwatch.query.testing.Fixtures.BEGINNING.toEpochMilli());
        });
        assertThat(client.get("/v1/subscriptions/" + id).json().path("question").asText()).isEqualTo("Door open?");

        assertThat(client.delete("/v1/subscriptions/" + id).status()).isEqualTo(204);
        assertThat(topics.subscriptions().get(id)).isEmpty();
        assertThat(client.get("/v1/subscriptions/" + id).status()).isEqualTo(404);
        assertThat(client.delete("/v1/subscriptions/" + id).status()).isEqualTo(404);
    }

    @Test
    void shouldRejectBadSubscriptions() {
        Map<String, Reply> replies = Map.of(
                "unknown stream", client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "cam-9", "question", "q"))),
                "other tenant", client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "door", "question", "q"))),
                "bad cooldown", client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "cam-1", "question", "q", "cooldownSec", 0))),
                "long question", client.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "cam-1", "question", "x".repeat(2001)))),
                "no token", api.client().post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "cam-1", "question", "q"))));

        assertThat(replies.get("unknown stream").status()).isEqualTo(404);
        assertThat(replies.get("other tenant").status()).isEqualTo(403);
        assertThat(replies.get("bad cooldown").errorCode()).isEqualTo("invalid_cooldown");
        assertThat(replies.get("long question").errorCode()).isEqualTo("invalid_question");
        assertThat(replies.get("no token").status()).isEqualTo(401);
    }

    @Test
    @Timeout(60) // an SSE read that never ends fails the test instead of hanging the build
    void shouldStreamAnswersAsServerSentEventsWithIds() throws Exception {
        String id = create("cam-1", "Door open?", 60);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(client.base() + "/v1/subscriptions/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + CAMS).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));

        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The server greets with a comment once the listener is registered.
            assertThat(lines.readLine()).startsWith(": subscription " + id);
            api.answers().publish(answer(id, 12_500, "Someone opened the door."));
            List<String> event = readEvent(lines);

            assertThat(event).contains("event: answer", "id: " + id + "@12500");
            JsonNode data = JSON.readTree(event.stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6));
            assertThat(data.path("answer").asText()).isEqualTo("Someone opened the door.");
            assertThat(data.path("atSec").asDouble()).isEqualTo(12.5);
            assertThat(data.path("evidence").get(0).path("keyframeUrl").asText()).isEqualTo("/v1/frames/cam-1/0/14.jpg");
        }
    }

    @Test
    @Timeout(60) // an SSE read that never ends fails the test instead of hanging the build
    void shouldReplayMissedAnswersAfterLastEventId() throws Exception {
        String id = create("cam-1", "Door open?", 60);
        api.answers().publish(answer(id, 1_000, "first"));
        api.answers().publish(answer(id, 2_000, "second"));
        api.answers().publish(answer(id, 3_000, "third"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(client.base() + "/v1/subscriptions/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + CAMS)
                .header("Last-Event-ID", id + "@1000").build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());

        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The replayed answers, then the greeting (a comment, which readEvent skips).
            assertThat(readEvent(lines)).contains("id: " + id + "@2000");
            assertThat(readEvent(lines)).contains("id: " + id + "@3000");
        }
    }

    @Test
    void shouldRefuseTheFeedOfAnotherTenantsOrUnknownSubscription() {
        String id = create("cam-1", "Door open?", 60);
        Map<String, String> sse = Map.of("Accept", "text/event-stream");

        assertThat(api.client().withToken("wrongToken").get("/v1/subscriptions/" + id + "/events", sse).status()).isEqualTo(401);
        assertThat(client.get("/v1/subscriptions/sub-nope/events", sse).status()).isEqualTo(404);
        assertThat(client.get("/v1/subscriptions/sub-nope/events", sse).errorCode()).isEqualTo("not_found");
    }

    @Test
    void shouldPrintAnswersWithTheSubscribeClient() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SubscribeClient subscriber = new SubscribeClient(URI.create(client.base()), Optional.of(CAMS), new PrintStream(printed, true, StandardCharsets.UTF_8));
        CompletableFuture<String> run = CompletableFuture.supplyAsync(() -> {
            try {
                return subscriber.subscribeAndPrint("cam-1", "Door open?", 5, 2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String id = null;
        while (id == null) {
            Thread.sleep(20);
            id = topics.subscriptions().get(firstSubscriptionIdIn(printed)).map(s -> s.getId()).orElse(null);
        }
        // A first connection gets no replay (no Last-Event-ID): publish once the client listens.
        while (api.answers().listeners(id) == 0) {
            Thread.sleep(20);
        }
        // Published twice: the client prints it once.
        api.answers().publish(answer(id, 12_500, "Someone opened the door."));
        api.answers().publish(answer(id, 12_500, "Someone opened the door."));
        api.answers().publish(answer(id, 30_000, "Closed again."));

        assertThat(run.get(60, java.util.concurrent.TimeUnit.SECONDS)).as(printed.toString(StandardCharsets.UTF_8)).isEqualTo(id);
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly(
                        "subscribed " + id + " to cam-1: Door open?",
                        "note: no language model is configured (LONGWATCH_LLM_URL): the subscription is kept but not evaluated until the service runs with a model",
                        "[12.5s] cam-1: Someone opened the door. (evidence 10.0s-20.0s)",
                        "[30.0s] cam-1: Closed again. (evidence 10.0s-20.0s)");
    }

    @Test
    void shouldFailTheSubscribeClientClearlyWhenTheServerRefuses() {
        SubscribeClient subscriber = new SubscribeClient(URI.create(client.base()), Optional.of(CAMS), new PrintStream(new ByteArrayOutputStream()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> subscriber.subscribeAndPrint("door", "q", 5, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("may not see stream 'door'");
    }

    private static String firstSubscriptionIdIn(ByteArrayOutputStream printed) {
        String text = printed.toString(StandardCharsets.UTF_8);
        int at = text.indexOf("subscribed ");
        return at < 0 ? "none" : text.substring(at + 11).split(" ")[0];
    }

    private static List<String> readEvent(BufferedReader lines) throws java.io.IOException {
        List<String> event = new ArrayList<>();
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (!event.isEmpty()) {
                    return event;
                }
                continue;
            }
            if (!line.startsWith(":")) {
                event.add(line);
            }
        }
        return event;
    }
}
