package dev.longwatch.query.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The client behind {@code ./longwatch subscribe ID "Q"}: creates a standing question, then
 * prints every answer of its Server-Sent Events feed, one line each, until interrupted. The feed
 * is read as the HTML standard says ({@link EventStreamReader}); a dropped or ended connection is
 * reopened after the reconnection time (1 s, or what the server last sent as {@code retry}) with
 * {@code Last-Event-ID}, and answers are deduplicated by id, so each match is printed exactly
 * once.
 *
 * <pre>{@code
 * SubscribeClient.run(URI.create("http://127.0.0.1:8080"), "lobby", "Does anyone enter?", 60, System.out);
 * }</pre>
 *
 * The bearer token, if the server needs one, comes from {@value #ENV_TOKEN}.
 */
public final class SubscribeClient {
    public static final String ENV_TOKEN = "LONGWATCH_API_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reconnection time until the server sends a {@code retry} field. */
    static final Duration DEFAULT_RECONNECT = Duration.ofSeconds(1);

    /** How the client waits before reconnecting: {@code Thread::sleep}, or a recording in tests. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration time) throws InterruptedException;
    }

    // HTTP/1.1: an h2c upgrade of the POST would carry the event stream over HTTP/2, where
    // proxies and some servers buffer it.
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final URI server;
    private final Optional<String> token;
    private final PrintStream out;
    private final Pause pause;

    public SubscribeClient(URI server, Optional<String> token, PrintStream out) {
        this(server, token, out, time -> Thread.sleep(time.toMillis()));
    }

    SubscribeClient(URI server, Optional<String> token, PrintStream out, Pause pause) {
        this.server = server;
        this.token = token.filter(t -> !t.isBlank());
        this.out = out;
        this.pause = pause;
    }

    /** Subscribes and prints answers until the thread is interrupted; the token comes from the environment. */
    public static void run(URI server, String streamId, String question, int cooldownSec, PrintStream out)
            throws InterruptedException {
        new SubscribeClient(server, Optional.ofNullable(System.getenv(ENV_TOKEN)), out)
                .subscribeAndPrint(streamId, question, cooldownSec, Long.MAX_VALUE);
    }

    /**
     * Creates the subscription and prints up to {@code maxAnswers} answers.
     *
     * @return the subscription id
     * @throws IllegalStateException when the server refuses the subscription (message from the server)
     */
    public String subscribeAndPrint(String streamId, String question, int cooldownSec, long maxAnswers)
            throws InterruptedException {
        String id = create(streamId, question, cooldownSec);
        print(id, maxAnswers);
        return id;
    }

    /** POST /v1/subscriptions; prints what the server said about it. */
    public String create(String streamId, String question, int cooldownSec) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("streamId", streamId).put("question", question).put("cooldownSec", cooldownSec);
        HttpRequest.Builder request =
                authorized(HttpRequest.newBuilder(server.resolve("/v1/subscriptions")))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + server + ": " + e.getMessage(), e);
        }
        JsonNode json = readJson(response.body());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(
                    "server refused the subscription (HTTP " + response.statusCode() + "): "
                            + json.path("error").path("message").asText(response.body()));
        }
        String id = json.path("id").asText();
        out.println("subscribed " + id + " to " + streamId + ": " + question);
        if (!json.path("note").isMissingNode() && !json.path("note").isNull()) {
            out.println("note: " + json.path("note").asText());
        }
        return id;
    }

    /**
     * Prints the answers of subscription {@code id}, reconnecting as needed.
     *
     * @throws IllegalStateException when the server refuses the event stream (not 200 or not
     *     {@code text/event-stream}): the standard fails such a connection rather than retrying it
     */
    public void print(String id, long maxAnswers) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        // Both outlive a connection, as an EventSource's do; the reader's buffers do not.
        String lastEventId = "";
        Duration reconnect = DEFAULT_RECONNECT;
        while (seen.size() < maxAnswers) {
            HttpRequest.Builder request =
                    authorized(HttpRequest.newBuilder(server.resolve("/v1/subscriptions/" + id + "/events")))
                            .header("Accept", "text/event-stream")
                            .GET();
            if (!lastEventId.isEmpty()) {
                request.header("Last-Event-ID", lastEventId);
            }
            EventStreamReader events = null;
            try {
                HttpResponse<InputStream> response = streamClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    refuseUnlessEventStream(response, body);
                    events = new EventStreamReader(new InputStreamReader(body, StandardCharsets.UTF_8), lastEventId);
                    printAnswers(events, seen, maxAnswers);
                }
            } catch (IOException | UncheckedIOException e) {
                out.println("connection lost (" + e.getMessage() + "); reconnecting");
            }
            if (events != null) {
                // Also after a dropped connection: what was read before the drop counts.
                lastEventId = events.lastEventId();
                reconnect = events.reconnectionTime().orElse(reconnect);
            }
            if (seen.size() < maxAnswers) {
                pause.pause(reconnect);
            }
        }
    }

    /** A fresh connection per event stream: one reused after a POST stayed silent under Jetty 12. */
    private static HttpClient streamClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static void refuseUnlessEventStream(HttpResponse<InputStream> response, InputStream body) throws IOException {
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 200 && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            return;
        }
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "server refused the event stream (HTTP " + response.statusCode() + "): "
                            + readJson(text).path("error").path("message").asText(text));
        }
        throw new IllegalStateException("server answered with " + (type.isEmpty() ? "no Content-Type" : type)
                + ", not an event stream (text/event-stream)");
    }

    /** Prints the {@code answer} events until the stream ends or enough answers were printed. */
    private void printAnswers(EventStreamReader events, Set<String> seen, long maxAnswers) throws IOException {
        // Count first: next() blocks until the server sends another event.
        while (seen.size() < maxAnswers) {
            Optional<EventStreamReader.Event> next = events.next();
            if (next.isEmpty()) {
                break;
            }
            EventStreamReader.Event event = next.get();
            if (event.type().equals("answer")) {
                JsonNode answer = readJson(event.data());
                // The answer's own id: the last event ID carries over to events that have none.
                String answerId = answer.hasNonNull("id") ? answer.get("id").asText() : event.lastEventId();
                if (seen.add(answerId)) {
                    out.println(format(answer));
                }
            }
        }
    }

    /** {@code [12.0s] lobby: A person enters. (evidence 10.0s-14.0s)}. */
    static String format(JsonNode answer) {
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "[%.1fs] %s: %s",
                                answer.path("atSec").asDouble(),
                                answer.path("streamId").asText(),
                                answer.path("answer").asText()));
        if (answer.path("evidence").size() > 0) {
            line.append(" (evidence");
            for (JsonNode span : answer.path("evidence")) {
                line.append(String.format(Locale.ROOT, " %.1fs-%.1fs", span.path("startSec").asDouble(), span.path("endSec").asDouble()));
            }
            line.append(')');
        }
        return line.toString();
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
