package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack: exhaustion. A caller registered streams, subscriptions and event streams without end
 * (each stream takes an ingest worker, each event stream a connection). Now each tenant (here the
 * one tenant of an open API) has limits, set like {@code up --max-streams ... --max-event-streams},
 * beyond which the API answers 429 with {@code Retry-After}.
 */
@ExtendWith(AttackStack.class)
class TenantLimitsAttackITCase {

    @Test
    void shouldAnswer429BeyondTheStreamLimit() throws Exception {
        List<String> mine = new ArrayList<>();
        HttpResponse<String> refused = null;
        try {
            for (int i = 0; i <= AttackStack.LIMITS.streams() && refused == null; i++) {
                String id = "flood-" + i;
                HttpResponse<String> created = AttackStack.post("/v1/streams", Map.of("id", id, "uri", "rtsp://camera.example/" + i));
                if (created.statusCode() == 201) {
                    mine.add(id);
                } else {
                    refused = created;
                }
            }
            assertThat(refused).as("a stream beyond the limit of " + AttackStack.LIMITS.streams()).isNotNull();
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(AttackStack.json(refused).path("error").path("code").asText()).isEqualTo("too_many_streams");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(AttackStack.json(AttackStack.get("/v1/streams")).path("streams").size())
                    .isEqualTo(AttackStack.LIMITS.streams());
        } finally {
            for (String id : mine) {
                AttackStack.delete("/v1/streams/" + id);
            }
        }
    }

    @Test
    void shouldAnswer429BeyondTheEventStreamLimit() throws Exception {
        AttackStack.post("/v1/streams", Map.of("id", "watched", "uri", "rtsp://camera.example/watched"));
        AttackStack.await("/v1/streams/watched", r -> r.statusCode() == 200);
        String id = AttackStack.json(AttackStack.post("/v1/subscriptions", Map.of("streamId", "watched", "question", "Anyone?")))
                .path("id").asText();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest events = HttpRequest.newBuilder(AttackStack.stack().httpBase().resolve("/v1/subscriptions/" + id + "/events"))
                .header("Accept", "text/event-stream").build();
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            // Streams other tests left open count too until the heartbeat finds them gone.
            HttpResponse<InputStream> response = http.send(events, HttpResponse.BodyHandlers.ofInputStream());
            while (response.statusCode() == 200 && open.size() < AttackStack.LIMITS.eventStreams()) {
                response.body().read(); // the greeting: registered
                open.add(response);
                response = http.send(events, HttpResponse.BodyHandlers.ofInputStream());
            }
            String body = new String(response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(response.statusCode()).as(body).isEqualTo(429);
            assertThat(body).contains("too_many_event_streams");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        } finally {
            for (HttpResponse<InputStream> response : open) {
                response.body().close();
            }
            AttackStack.delete("/v1/streams/watched");
        }
    }
}
