package dev.longwatch.query.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * An OpenAI-compatible chat-completions server on a loopback port: records every request it
 * receives and answers with what the test scripted (a completion, an error status, garbage,
 * nothing until {@link #close()}, or a completion held until {@link #openGate()}). Scripted
 * sequences ({@link #replies}) are used up first, then the standing {@link #reply}.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final java.util.concurrent.ConcurrentLinkedQueue<Reply> script = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Reply reply = Reply.completion("ok");

    /** What the server answers. */
    public record Reply(int status, String body, boolean hangs, boolean gated) {
        public Reply(int status, String body, boolean hangs) {
            this(status, body, hangs, false);
        }

        /** A completion sent only once the test calls {@link #openGate()}. */
        public static Reply gated(String content) {
            Reply completion = completion(content);
            return new Reply(completion.status(), completion.body(), false, true);
        }

        /** A well-formed chat completion whose message content is {@code content}. */
        public static Reply completion(String content) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", "chatcmpl-test-1");
            root.put("object", "chat.completion");
            root.put("created", 1_793_000_000L);
            root.put("model", "fake-vlm-served");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", content);
            choice.putNull("logprobs");
            choice.put("finish_reason", "stop");
            ObjectNode usage = root.putObject("usage");
            usage.put("prompt_tokens", 321);
            usage.put("completion_tokens", 12);
            usage.put("total_tokens", 333);
            return new Reply(200, root.toString(), false);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, body, false);
        }

        /** Accepts the request and never answers (until the server closes). */
        public static Reply never() {
            return new Reply(0, "", true);
        }
    }

    /** One image part of the user message, with the text part right before it. */
    public record SeenImage(String markerBefore, byte[] jpeg) {}

    public FakeOpenAiServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL to configure, e.g. {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void reply(Reply next) {
        this.reply = next;
    }

    /** Answers the next requests with these, in order, then with the standing reply again. */
    public void replies(Reply... sequence) {
        script.addAll(List.of(sequence));
    }

    /** Lets every gated reply, waiting or future, go out. */
    public void openGate() {
        gate.countDown();
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The user-message parts of request {@code i}. */
    public static ArrayNode userParts(JsonNode request) {
        for (JsonNode message : request.path("messages")) {
            if (message.path("role").asText().equals("user")) {
                return (ArrayNode) message.path("content");
            }
        }
        throw new AssertionError("no user message in " + request);
    }

    public static String systemText(JsonNode request) {
        for (JsonNode message : request.path("messages")) {
            if (message.path("role").asText().equals("system")) {
                return message.path("content").asText();
            }
        }
        throw new AssertionError("no system message in " + request);
    }

    /** Every image of the request's user message, decoded, with the text that precedes it. */
    public static List<SeenImage> images(JsonNode request) {
        List<SeenImage> out = new ArrayList<>();
        String lastText = null;
        for (JsonNode part : userParts(request)) {
            switch (part.path("type").asText()) {
                case "text" -> lastText = part.path("text").asText();
                case "image_url" -> {
                    String url = part.path("image_url").path("url").asText();
                    String prefix = "data:image/jpeg;base64,";
                    if (!url.startsWith(prefix)) {
                        throw new AssertionError("image is not a JPEG data URL: " + url);
                    }
                    out.add(new SeenImage(lastText, Base64.getDecoder().decode(url.substring(prefix.length()))));
                }
                default -> throw new AssertionError("unexpected part " + part);
            }
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(JSON.readTree(exchange.getRequestBody()));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            Reply scripted = script.poll();
            Reply now = scripted != null ? scripted : reply;
            if (now.hangs()) {
                released.await();
                return;
            }
            if (now.gated()) {
                gate.await();
            }
            byte[] body = now.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(now.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
