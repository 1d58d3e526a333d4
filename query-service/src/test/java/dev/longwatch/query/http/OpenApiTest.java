package dev.longwatch.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import io.javalin.event.HandlerMetaInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /openapi.json documents exactly the routes the app registers. */
class OpenApiTest {
    @TempDir Path stateDir;

    @Test
    void shouldListEveryRegisteredRouteAndNothingElse() {
        try (TestViews topics = new TestViews(stateDir);
                RunningApi api = new RunningApi(topics.views(), topics, Optional.empty(), Readiness::isReady)) {
            Reply reply = api.client().get("/openapi.json");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.contentType()).startsWith("application/json");
            JsonNode doc = reply.json();
            assertThat(doc.path("openapi").asText()).startsWith("3.");

            List<String> registered = new ArrayList<>();
            for (HandlerMetaInfo route : api.routes()) {
                if (route.getHttpMethod().isHttpMethod()) {
                    registered.add(route.getHttpMethod().name().toLowerCase(Locale.ROOT) + " " + route.getPath());
                }
            }
            List<String> documented = new ArrayList<>();
            doc.path("paths").fields().forEachRemaining(path ->
                    path.getValue().fieldNames().forEachRemaining(method -> documented.add(method + " " + path.getKey())));

            assertThat(registered).contains("get /openapi.json", "post /v1/subscriptions", "get /v1/subscriptions/{id}/events");
            assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
            doc.path("paths").fields().forEachRemaining(path ->
                    path.getValue().fields().forEachRemaining(op ->
                            assertThat(op.getValue().path("responses").size()).as(op.getKey() + " " + path.getKey()).isPositive()));
        }
    }
}
