package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat-completions server that answers every request after a fixed delay,
 * so the model's share of a load run is known (and the query service reports it per ask as
 * {@code llm.latencyMs}). The reply is a valid standing-question match at the event's time and an
 * ordinary cited answer for {@code ask}. Requests are served concurrently, one thread each (a
 * model server with as many slots as the run has clients): the model's concurrency is not what
 * the run measures.
 */
public final class DelayedLlm implements AutoCloseable {
    static final String CONTENT = "{\"match\": true, \"answer\": \"Something changed [0.0s-1.0s].\", \"time\": null}";
    public static final String MODEL = "bench-delayed";

    private final HttpServer server;
    private final ExecutorService executor =
            Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "load-llm");
                thread.setDaemon(true);
                return thread;
            });
    private final byte[] reply;
    private final Duration delay;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param address where to listen: loopback for the embedded stack, an address the containers
     *     reach for {@code --server}
     * @param delay how long each answer takes
     */
    public DelayedLlm(InetSocketAddress address, Duration delay) {
        this.delay = delay;
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("id", "chatcmpl-load");
        root.put("object", "chat.completion");
        root.put("created", 0L);
        root.put("model", MODEL);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", CONTENT);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 1);
        usage.put("completion_tokens", 1);
        usage.put("total_tokens", 2);
        reply = root.toString().getBytes(StandardCharsets.UTF_8);
        // Nagle would hold the body behind the headers for the client's delayed ACK (tens of ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(address, 256);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the benchmark's LLM server on " + address, e);
        }
        server.createContext("/v1/chat/completions", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    /** Base URL to configure as {@code LONGWATCH_LLM_URL}. */
    public String baseUrl() {
        InetSocketAddress bound = server.getAddress();
        return "http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + "/v1";
    }

    public long calls() {
        return calls.get();
    }

    public Duration delay() {
        return delay;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes(); // the prompt; read it all, as a server would
            calls.incrementAndGet();
            Thread.sleep(delay.toMillis());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
