package dev.longwatch.query.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The client behind {@code ./longwatch subscribe ID "Q"}: creates a standing question, then
 * prints every answer of its Server-Sent Events feed, one line each, until interrupted. A dropped
 * connection is reopened with {@code Last-Event-ID}, and answers are deduplicated by id, so each
 * match is printed exactly once.
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
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    // HTTP/1.1: an h2c upgrade of the POST would carry the event stream over HTTP/2, where
    // proxies and some servers buffer it.
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final URI server;
    private final Optional<String> token;
    private final PrintStream out;

    public SubscribeClient(URI server, Optional<String> token, PrintStream out) {
        this.server = server;
        this.token = token.filter(t -> !t.isBlank());
        this.out = out;
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

    /** Prints the answers of subscription {@code id}, reconnecting as needed. */
    public void print(String id, long maxAnswers) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        String lastEventId = null;
        while (seen.size() < maxAnswers) {
            HttpRequest.Builder request =
                    authorized(HttpRequest.newBuilder(server.resolve("/v1/subscriptions/" + id + "/events")))
                            .header("Accept", "text/event-stream")
                            .GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            try {
                HttpResponse<InputStream> response = streamClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    if (response.statusCode() != 200) {
                        String body = reader.lines().collect(Collectors.joining("\n"));
                        throw new IllegalStateException(
                                "server refused the event stream (HTTP " + response.statusCode() + "): "
                                        + readJson(body).path("error").path("message").asText(body));
                    }
                    lastEventId = readEvents(reader.lines().iterator(), seen, maxAnswers, lastEventId);
                }
            } catch (IOException | UncheckedIOException e) {
                out.println("connection lost (" + e.getMessage() + "); reconnecting");
            }
            if (seen.size() < maxAnswers) {
                Thread.sleep(RECONNECT.toMillis());
            }
        }
    }

    /** A fresh connection per event stream: one reused after a POST stayed silent under Jetty 12. */
    private static HttpClient streamClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Reads events until the stream ends or enough answers were printed; returns the last id. */
    private String readEvents(Iterator<String> lines, Set<String> seen, long maxAnswers, String lastEventId) {
        String event = "message";
        String eventId = null;
        StringBuilder data = new StringBuilder();
        // Count first: hasNext() blocks until the server sends another line.
        while (seen.size() < maxAnswers && lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (event.equals("answer") && data.length() > 0) {
                    String id = eventId != null ? eventId : readJson(data.toString()).path("id").asText();
                    lastEventId = id;
                    if (seen.add(id)) {
                        out.println(format(readJson(data.toString())));
                    }
                }
                event = "message";
                eventId = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                eventId = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            }
        }
        return lastEventId;
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
