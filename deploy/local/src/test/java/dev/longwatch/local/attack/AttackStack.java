package dev.longwatch.local.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.longwatch.ingest.config.SourceSafety;
import dev.longwatch.local.LocalStack;
import dev.longwatch.local.LocalStackSettings;
import dev.longwatch.net.Cidr;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.TenantLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@code up} stack (in this JVM, through {@link LocalStack}) that every attack class of
 * this package drives over HTTP, started once for all of them and closed when the test run ends.
 * Configured as an operator would for a test lab: files only from {@link #media()}, and one
 * network allowed beyond the built-in rules, {@value #TEST_SERVER_ADDRESS}/32, where the attackers'
 * test servers listen ({@code --allow-network 127.0.0.2/32}). The rest of loopback, where the
 * stack itself listens (127.0.0.1), stays refused. The API is open on loopback, as {@code
 * ./longwatch up} runs without tokens, with the per-tenant {@link #LIMITS}.
 */
public final class AttackStack implements BeforeAllCallback {
    public static final String TEST_SERVER_ADDRESS = "127.0.0.2";
    /**
     * The open API's one tenant: room for every stream the attacks hold at once (32 dead cameras
     * and more), few of the rest, so that TenantLimitsAttackITCase reaches each limit.
     */
    static final TenantLimits LIMITS = new TenantLimits(60, 6, 3, 1);
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
                .getStore(ExtensionContext.Namespace.create(AttackStack.class))
                .getOrComputeIfAbsent("stack", key -> start(), Running.class);
    }

    private static Running start() {
        try {
            Path dir = Files.createTempDirectory("longwatch-attack-");
            Path media = Files.createDirectories(dir.resolve("media"));
            LocalStackSettings settings = LocalStackSettings.defaults(dir.resolve("data"))
                    .withHttpPort(0)
                    .withMetricsPort(0)
                    .withSlots(5)
                    .withLlm(LlmSettings.none())
                    .withSources(SourceSafety.defaults()
                            .withMediaRoots(List.of(media))
                            .withNetworks(List.of(Cidr.parse(TEST_SERVER_ADDRESS + "/32")), List.of()))
                    // Small per-tenant limits, as up --max-streams etc. write them.
                    .withEnvironment(Map.of(
                            TenantLimits.ENV_STREAMS, Integer.toString(LIMITS.streams()),
                            TenantLimits.ENV_SUBSCRIPTIONS, Integer.toString(LIMITS.subscriptions()),
                            TenantLimits.ENV_EVENT_STREAMS, Integer.toString(LIMITS.eventStreams()),
                            TenantLimits.ENV_ASKS, Integer.toString(LIMITS.asks())));
            return new Running(LocalStack.start(settings), dir);
        } catch (Exception e) {
            throw new IllegalStateException("the attack stack did not start", e);
        }
    }

    static LocalStack stack() {
        return running.stack();
    }

    /** The only directory streams may read files from. */
    static Path media() {
        return running.dir().resolve("media");
    }

    /** A directory outside the media roots, for files streams must not read. */
    static Path outside() throws IOException {
        return Files.createDirectories(running.dir().resolve("outside"));
    }

    /** The port of the stack's own ingest and encoder /metrics (on 127.0.0.1). */
    static int metricsPort() {
        return URI.create(stack().metricsBase()).getPort();
    }

    static int apiPort() {
        return stack().httpBase().getPort();
    }

    static String bootstrapServers() {
        return stack().bootstrapServers();
    }

    /** The shared clip, copied under the media root as {@code name}; its absolute path. */
    static String mediaFile(String name) throws IOException {
        Path file = media().resolve(name);
        Files.copy(CLIP, file, StandardCopyOption.REPLACE_EXISTING);
        return file.toAbsolutePath().toString();
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

    /**
     * Opens the SSE feed of a subscription. The suite shares one tenant, and the event streams
     * other attacks closed count against its limit until the feed's heartbeat finds them gone, so
     * a 429 here is waited out as a client would, by its {@code Retry-After} (at most 120 s).
     */
    static HttpResponse<InputStream> openEvents(String subscriptionId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(stack().httpBase().resolve("/v1/subscriptions/" + subscriptionId + "/events"))
                .header("Accept", "text/event-stream")
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        while (response.statusCode() == 429 && System.nanoTime() < deadline) {
            response.body().close();
            long retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(Duration.ofSeconds(Math.max(1, retryAfter)).toMillis());
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        }
        return response;
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

    /** POST /v1/streams; returns the HTTP status. */
    static int register(String id, String uri) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(stack().httpBase().resolve("/v1/streams"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("id", id, "uri", uri))))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    static JsonNode stream(String id) throws Exception {
        return JSON.readTree(get("/v1/streams/" + id).body());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack().httpBase().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the stream until its state is one of {@code states} (or 90 s pass); returns the view. */
    static JsonNode awaitState(String id, Set<String> states) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode view = stream(id);
        while (!states.contains(view.path("state").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            view = stream(id);
        }
        return view;
    }

    /** An HTTP server on {@value #TEST_SERVER_ADDRESS} (allowed) with the given routes. */
    static HttpServer testServer(Map<String, HttpHandler> routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(TEST_SERVER_ADDRESS), 0), 16);
        routes.forEach(server::createContext);
        server.start();
        return server;
    }

    static String testServerUrl(HttpServer server, String path) {
        return "http://" + TEST_SERVER_ADDRESS + ":" + server.getAddress().getPort() + path;
    }

    static void reply(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Runs Debian's ffmpeg in {@code dir}; false when it is not installed. */
    static boolean ffmpeg(Path dir, String... args) throws Exception {
        Path ffmpeg = Path.of("/usr/bin/ffmpeg");
        if (!Files.isExecutable(ffmpeg)) {
            return false;
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(ffmpeg.toString(), "-v", "error", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed: " + out);
        }
        return true;
    }
}
