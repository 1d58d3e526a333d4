package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.TenantLimits;
import dev.longwatch.query.testing.RawHttp;
import dev.longwatch.query.testing.RawHttp.Answer;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An open API answers only to its own names and pages: no DNS rebinding, no cross-site calls. */
class SameOriginTest {
    private static final String CREATE = "{\"id\":\"evil\",\"uri\":\"rtsp://cam.local/live\"}";

    @TempDir Path stateDir;
    private TestViews topics;
    private RunningApi api;

    private RunningApi start(ApiTokens tokens, List<String> extraHosts) {
        topics = new TestViews(stateDir);
        topics.pipeSpec(spec("cam-1", "/data/cam1.mp4"));
        api = new RunningApi(
                topics.views(), topics, Optional.empty(), Readiness::isReady, tokens,
                new ModelSlots(1, Duration.ofSeconds(1)), HttpApi.Cluster.single(),
                new HttpApi.Policy(AllowedHosts.of("127.0.0.1", extraHosts), TenantLimits.DEFAULT));
        return api;
    }

    @AfterEach
    void stop() {
        api.close();
        topics.close();
    }

    private Answer get(String path, String host, String extraHeaders) {
        return RawHttp.send(api.port(), RawHttp.request("GET", path, host, extraHeaders, null));
    }

    @Test
    void shouldRefuseAForeignHostOnEveryPathOfAnOpenApi() {
        start(ApiTokens.none(), List.of());
        String rebound = "attacker.example:" + api.port();

        for (String path : List.of("/v1/streams", "/v1/streams/cam-1", "/", "/metrics", "/openapi.json")) {
            Answer answer = get(path, rebound, "");
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("host_not_allowed");
        }
        for (String own : List.of("127.0.0.1:" + api.port(), "localhost:" + api.port(), "[::1]:" + api.port())) {
            assertThat(get("/v1/streams/cam-1", own, "").status()).as(own).isEqualTo(200);
        }
        assertThat(get("/v1/streams/cam-1", "localhost:1", "").status()).isEqualTo(403);
    }

    @Test
    void shouldRefuseACrossSitePostWhateverItsContentType() {
        start(ApiTokens.none(), List.of());
        String host = "127.0.0.1:" + api.port();

        Answer plain = RawHttp.send(api.port(), RawHttp.request(
                "POST", "/v1/streams", host, "Origin: http://attacker.example\nContent-Type: text/plain", CREATE));
        Answer json = RawHttp.send(api.port(), RawHttp.request(
                "POST", "/v1/streams", host, "Origin: null\nContent-Type: application/json", CREATE));

        assertThat(List.of(plain, json)).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.json().path("error").path("code").asText()).isEqualTo("origin_not_allowed");
        });
        assertThat(topics.views().spec("evil")).isEmpty();

        Answer samePage = RawHttp.send(api.port(), RawHttp.request(
                "POST", "/v1/streams", host, "Origin: http://localhost:" + api.port() + "\nContent-Type: application/json", CREATE));
        assertThat(samePage.status()).as(samePage.text()).isEqualTo(201);
    }

    @Test
    void shouldAnswerToConfiguredNames() {
        start(ApiTokens.none(), List.of("longwatch.lan"));

        assertThat(get("/v1/streams/cam-1", "longwatch.lan:" + api.port(), "Origin: http://longwatch.lan").status()).isEqualTo(200);
        assertThat(get("/v1/streams/cam-1", "other.lan:" + api.port(), "").status()).isEqualTo(403);
    }

    @Test
    void shouldLeaveHostsToTheTokensWhenThereAreTokens() {
        start(ApiTokens.parse("tokenAAAA1=*"), List.of());

        Answer answer = get("/v1/streams/cam-1", "api.example.com", "Authorization: Bearer tokenAAAA1");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(get("/v1/streams/cam-1", "api.example.com", "Origin: http://app.example.com").status()).isEqualTo(401);
    }
}
