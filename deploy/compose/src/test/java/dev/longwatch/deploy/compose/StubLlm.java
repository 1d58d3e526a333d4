package dev.longwatch.deploy.compose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat-completions endpoint for the stack's standing questions, since no
 * model can be reached here. It answers every call the same way (a match, a fixed answer), so
 * the answers of two runs can only differ in which events were asked about: exactly what the
 * chaos test compares. It listens on all interfaces so the query container reaches it through
 * the host's address on the container network (host.containers.internal).
 */
final class StubLlm implements AutoCloseable {
    static final String ANSWER = "Something changed [0.0s-1.0s].";
    private final HttpServer server;
    private final byte[] reply;
    private final AtomicLong calls = new AtomicLong();

    StubLlm() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode()
                .put("id", "chatcmpl-chaos").put("object", "chat.completion").put("created", 0L).put("model", "stub");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant")
                .put("content", json.createObjectNode().put("match", true).put("answer", ANSWER).putNull("time").toString());
        root.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2);
        reply = root.toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 16);
        server.createContext("/v1/chat/completions", this::answer);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "stub-llm");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    long calls() {
        return calls.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
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
    }
}
