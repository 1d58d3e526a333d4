package dev.longwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat-completions server on loopback that answers at once, for benchmarks
 * that measure everything but the model. Every reply is the same JSON object, {@value #CONTENT},
 * which is a valid standing-question answer (a match, at the event's time) and an ordinary
 * answer with a citation for {@code ask}.
 */
final class ZeroLatencyLlm implements AutoCloseable {
    static final String CONTENT = "{\"match\": true, \"answer\": \"Something changed [0.0s-1.0s].\", \"time\": null}";
    static final String MODEL = "zero-latency";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "zero-latency-llm");
        thread.setDaemon(true);
        return thread;
    });
    private final byte[] reply;
    private final AtomicLong calls = new AtomicLong();

    ZeroLatencyLlm() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("id", "chatcmpl-bench");
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
        // The JDK server leaves Nagle on by default: a reply written as headers then body waits
        // for the client's delayed ACK (tens of ms), which real model servers do not do.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the benchmark's LLM server", e);
        }
        server.createContext("/v1/chat/completions", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    /** Base URL to configure as {@code LONGWATCH_LLM_URL}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    long calls() {
        return calls.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes(); // the prompt; read it all, as a server would
            calls.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
