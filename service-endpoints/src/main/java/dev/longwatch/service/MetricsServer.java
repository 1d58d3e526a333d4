package dev.longwatch.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A service's operational endpoints on the JDK's built-in HTTP server, for the services that have
 * no web framework (the encoder worker, ingest): {@code GET /healthz} answers 200 {@code ok} while
 * the service runs and 503 once it has stopped; {@code GET /readyz} answers 200 {@code ready} while
 * the service can do its work and 503 with what it waits for otherwise; {@code GET /metrics} is
 * the Prometheus scrape of the registry.
 */
public final class MetricsServer implements AutoCloseable {
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds {@code address} (port 0 picks a free one, see {@link #port()}) and starts serving on
     * one daemon thread.
     */
    public static MetricsServer start(
            InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier healthy) throws IOException {
        return start(address, registry, healthy, () -> healthy.getAsBoolean() ? Optional.empty() : Optional.of("stopped"));
    }

    /**
     * As {@link #start(InetSocketAddress, PrometheusMeterRegistry, BooleanSupplier)}, with a
     * {@code /readyz} of its own: a service that is not alive is never ready, whatever {@code
     * ready} says.
     */
    public static MetricsServer start(
            InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier healthy, Readiness ready)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        // A context matches every path below it, so each handler checks for its exact path.
        server.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/healthz" -> {
                    boolean up = healthy.getAsBoolean();
                    respond(exchange, up ? 200 : 503, TEXT, up ? "ok\n" : "stopped\n");
                }
                case "/readyz" -> {
                    Optional<String> waiting = healthy.getAsBoolean() ? ready.waitingFor() : Optional.of("stopped");
                    respond(exchange, waiting.isEmpty() ? 200 : 503, TEXT,
                            waiting.map(w -> "not ready: " + w + "\n").orElse("ready\n"));
                }
                case "/metrics" -> respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape());
                default -> respond(exchange, 404, TEXT, "not found: try /healthz, /readyz or /metrics\n");
            }
        });
        // The dispatcher thread is not a daemon: it keeps the JVM alive until close().
        server.start();
        return new MetricsServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
