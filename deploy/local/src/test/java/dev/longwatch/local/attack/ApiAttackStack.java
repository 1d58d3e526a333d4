package dev.longwatch.local.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.local.LocalStack;
import dev.longwatch.local.LocalStackSettings;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.TenantLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@code up} stack (in this JVM, through {@link LocalStack}) that the API attack classes
 * of this package drive over HTTP: an open API on loopback, as {@code ./longwatch up} runs without
 * tokens, with small per-tenant limits ({@link #LIMITS}, as {@code --max-streams} etc. would set
 * them). Started once for all of them and closed when the test run ends. Media files are copied
 * under {@code <data-dir>/media}, one of {@code up}'s default media roots.
 */
public final class ApiAttackStack implements BeforeAllCallback {
    static final TenantLimits LIMITS = new TenantLimits(12, 6, 3, 1);
    static final Path CLIP =
            Path.of("../../../shared/data/video/videollama-dog_barking.mp4").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static volatile Running running;

    /** What one stack holds; closed by JUnit with the root store at the end of the run. */
    private record Running(LocalStack stack, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            stack.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot()
                .getStore(ExtensionContext.Namespace.create(ApiAttackStack.class))
                .getOrComputeIfAbsent("stack", key -> start(), Running.class);
    }

    private static Running start() {
        try {
            Path dir = Files.createTempDirectory("longwatch-api-attack-");
            LocalStackSettings settings = LocalStackSettings.defaults(dir.resolve("data"))
                    .withHttpPort(0)
                    .withMetricsPort(0)
                    .withSlots(5)
                    .withLlm(LlmSettings.none())
                    // As up --max-streams etc. write them.
                    .withEnvironment(Map.of(
                            TenantLimits.ENV_STREAMS, Integer.toString(LIMITS.streams()),
                            TenantLimits.ENV_SUBSCRIPTIONS, Integer.toString(LIMITS.subscriptions()),
                            TenantLimits.ENV_EVENT_STREAMS, Integer.toString(LIMITS.eventStreams()),
                            TenantLimits.ENV_ASKS, Integer.toString(LIMITS.asks())));
            return new Running(LocalStack.start(settings), dir);
        } catch (Exception e) {
            throw new IllegalStateException("the API attack stack did not start", e);
        }
    }

    static LocalStack stack() {
        return running.stack();
    }

    static int apiPort() {
        return stack().httpBase().getPort();
    }

    static String bootstrapServers() {
        return stack().bootstrapServers();
    }

    /** The shared clip, copied under the stack's media root as {@code name}; its absolute path. */
    static String mediaFile(String name) throws IOException {
        Path media = Files.createDirectories(running.dir().resolve("data").resolve("media"));
        Path file = media.resolve(name);
        Files.copy(CLIP, file, StandardCopyOption.REPLACE_EXISTING);
        return file.toAbsolutePath().toString();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack().httpBase().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack().httpBase().resolve(path)).DELETE().timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST of a JSON body, as a well-behaved client sends it. */
    static HttpResponse<String> post(String path, Map<String, ?> body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack().httpBase().resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Polls {@code path} until {@code done} holds (or 120 s pass); returns the last answer. */
    static HttpResponse<String> await(String path, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpResponse<String> last = get(path);
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = get(path);
        }
        return last;
    }

    /** Registers the clip as stream {@code id} and waits until all its frames are in memory. */
    static JsonNode ingestClip(String id) throws Exception {
        HttpResponse<String> created = post("/v1/streams", Map.of("id", id, "uri", mediaFile(id + ".mp4")));
        if (created.statusCode() != 201) {
            throw new AssertionError("could not register " + id + ": " + created.statusCode() + " " + created.body());
        }
        return json(await("/v1/streams/" + id, r -> {
            try {
                JsonNode view = json(r);
                return r.statusCode() == 200
                        && view.path("state").asText().equals("COMPLETED")
                        && view.path("framesProduced").asLong() > 0
                        && view.path("framesInMemory").asLong() == view.path("framesProduced").asLong();
            } catch (IOException e) {
                return false;
            }
        }));
    }

    /** The stream incarnation in a keyframe URL {@code /v1/frames/{id}/{incarnation}/{seq}.jpg}. */
    static long incarnationOf(String keyframeUrl) {
        String[] parts = URI.create(keyframeUrl).getPath().split("/");
        return Long.parseLong(parts[parts.length - 2]);
    }
}
