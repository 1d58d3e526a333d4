package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens scoped to streams, and the request limits. */
class AuthAndLimitsTest {
    private static final String CAMS = "camsToken1";
    private static final String ALL = "allToken12";

    @TempDir Path stateDir;
    private TestViews topics;
    private RunningApi api;
    private ApiClient anonymous;
    private ApiClient cams;
    private ApiClient all;

    @BeforeEach
    void start() {
        topics = new TestViews(stateDir);
        api =
                new RunningApi(
                        topics.views(),
                        topics,
                        Optional.empty(),
                        Readiness::isReady,
                        ApiTokens.parse(CAMS + "=cam-*,lobby;" + ALL + "=*"),
                        new ModelSlots(1, Duration.ofMillis(100)));
        anonymous = api.client();
        cams = anonymous.withToken(CAMS);
        all = anonymous.withToken(ALL);
        for (String id : List.of("cam-1", "door", "lobby")) {
            topics.pipeSpec(spec(id, "/data/" + id + ".mp4"));
            topics.pipeMemory(memory(id, 1, List.of(slot(0, 5000, 5, 2))));
            topics.pipeFrame(frame(id, 2, 2000));
        }
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
    }

    @Test
    void shouldAnswer401WithoutOrWithAnUnknownToken() {
        Reply none = anonymous.get("/v1/streams");
        Reply wrong = anonymous.withToken("notAToken99").get("/v1/streams/cam-1");

        assertThat(List.of(none, wrong)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("unauthorized");
        });
        assertThat(wrong.json().path("error").path("message").asText()).doesNotContain("notAToken99");
    }

    @Test
    void shouldAnswer403ForAnotherTenantsStreamEverywhere() {
        List<Reply> replies =
                List.of(
                        cams.get("/v1/streams/door"),
                        cams.get("/v1/streams/door/memory"),
                        cams.post("/v1/streams/door/ask", "{\"question\":\"q\"}"),
                        cams.get("/v1/frames/door/0/2.jpg"),
                        cams.delete("/v1/streams/door"),
                        cams.post("/v1/streams", ApiClient.json(Map.of("id", "garage", "uri", "/g.mp4"))),
                        cams.post("/v1/subscriptions", ApiClient.json(Map.of("streamId", "door", "question", "q"))));

        assertThat(replies).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.errorCode()).isEqualTo("forbidden");
        });
        assertThat(topics.views().spec("door")).isPresent();
        assertThat(topics.views().spec("garage")).isEmpty();
    }

    @Test
    void shouldShowEachTokenOnlyItsStreams() {
        assertThat(cams.get("/v1/streams").json().path("streams").findValuesAsText("id")).containsExactly("cam-1", "lobby");
        assertThat(all.get("/v1/streams").json().path("streams").findValuesAsText("id")).containsExactly("cam-1", "door", "lobby");
        assertThat(cams.get("/v1/streams/cam-1").status()).isEqualTo(200);
        assertThat(cams.post("/v1/streams/lobby/ask", "{\"question\":\"q\"}").status()).isEqualTo(200);
        assertThat(all.get("/v1/streams/door/memory").status()).isEqualTo(200);
    }

    @Test
    void shouldAcceptTheTokenAsQueryParameterOnGetOnly() {
        // Browsers cannot set headers on <img> and EventSource requests.
        assertThat(anonymous.get("/v1/frames/cam-1/0/2.jpg?access_token=" + CAMS).status()).isEqualTo(200);
        assertThat(anonymous.get("/v1/frames/door/0/2.jpg?access_token=" + CAMS).status()).isEqualTo(403);
        assertThat(anonymous.post("/v1/streams/cam-1/ask?access_token=" + CAMS, "{\"question\":\"q\"}").status()).isEqualTo(401);
    }

    @Test
    void shouldKeepHealthPageAndOpenApiOpen() {
        assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
        assertThat(anonymous.get("/openapi.json").status()).isEqualTo(200);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseBodiesOverTheLimitWith413() {
        String big = ApiClient.json(Map.of("question", "x".repeat(HttpApi.MAX_BODY_BYTES)));

        Reply reply = all.post("/v1/streams/cam-1/ask", big);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.errorCode()).isEqualTo("body_too_large");
        assertThat(reply.json().path("error").path("message").asText()).contains(Integer.toString(HttpApi.MAX_BODY_BYTES));
    }

    @Test
    void shouldRefuseWindowsBeyondTenYears() {
        Reply far = all.post("/v1/streams/cam-1/ask", "{\"question\":\"q\",\"toSec\":1e12}");
        Reply farMemory = all.get("/v1/streams/cam-1/memory?from=1e15");

        assertThat(List.of(far, farMemory)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_window");
        });
        assertThat(all.post("/v1/streams/cam-1/ask", "{\"question\":\"q\",\"fromSec\":0,\"toSec\":36000}").status()).isEqualTo(200);
    }
}
