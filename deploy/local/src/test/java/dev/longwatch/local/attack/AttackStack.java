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
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real {@code up} stack (in this JVM, through {@link LocalStack}) that every attack class of
 * this package drives over HTTP, started once for all of them and closed when the test run ends.
 * Configured as an operator would for a test lab: files only from {@link #media()}, and one
 * network allowed beyond the built-in rules, {@value #TEST_SERVER_ADDRESS}/32, where the attackers'
 * test servers listen ({@code --allow-network 127.0.0.2/32}). The rest of loopback, where the
 * stack itself listens (127.0.0.1), stays refused.
 */
public final class AttackStack implements BeforeAllCallback {
    public static final String TEST_SERVER_ADDRESS = "127.0.0.2";
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
                            .withNetworks(List.of(Cidr.parse(TEST_SERVER_ADDRESS + "/32")), List.of()));
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
