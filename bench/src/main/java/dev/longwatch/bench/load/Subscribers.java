package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.subscriptions.EventStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Standing questions with a client each holding its Server-Sent Events connection, as the web
 * page does: subscription i watches camera i mod N. Each answer's latency is from the capture
 * time of the frame its event names (the answer id is {@code subscription@pts}; the capture time
 * comes from lw.frames through {@link TopicWatch}) to the moment the client reads it. A dropped
 * connection is reopened after a second with {@code Last-Event-ID}, and answers are counted once
 * by id.
 */
final class Subscribers implements AutoCloseable {
    static final String QUESTION = "Did the scene change?";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final TopicWatch watch;
    private final Outcomes outcomes;
    private final DoubleSupplier runSecond;
    final Latencies events = new Latencies();
    private final AtomicLong unmatched = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<InputStream> open = ConcurrentHashMap.newKeySet();
    private final Set<String> connected = ConcurrentHashMap.newKeySet();
    private final List<String> ids = new ArrayList<>();
    private volatile boolean running = true;

    Subscribers(URI api, TopicWatch watch, Outcomes outcomes, DoubleSupplier runSecond) {
        this.api = api;
        this.watch = watch;
        this.outcomes = outcomes;
        this.runSecond = runSecond;
    }

    /** Creates the subscriptions (cooldown {@code cooldownSec}) and opens their event streams. */
    void start(int count, List<String> streams, int cooldownSec) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            String stream = streams.get(i % streams.size());
            String body = json.createObjectNode().put("streamId", stream).put("question", QUESTION).put("cooldownSec", cooldownSec).toString();
            outcomes.request("subscribe");
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(api.resolve("/v1/subscriptions"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("the server refused subscription " + i + " (HTTP " + response.statusCode() + "): " + response.body());
            }
            String id = json.readTree(response.body()).path("id").asText();
            ids.add(id);
            Thread thread = new Thread(() -> listen(id), "load-subscriber-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** How many event streams are open now. */
    int connected() {
        return connected.size();
    }

    int subscriptions() {
        return ids.size();
    }

    long unmatched() {
        return unmatched.get();
    }

    private void listen(String id) {
        Set<String> seen = new HashSet<>();
        String lastEventId = "";
        while (running) {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve("/v1/subscriptions/" + id + "/events"))
                    .header("Accept", "text/event-stream")
                    .GET();
            if (!lastEventId.isEmpty()) {
                request.header("Last-Event-ID", lastEventId);
            }
            EventStreamReader reader = null;
            try {
                outcomes.request("sse-connect");
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        outcomes.failure("sse:http-" + response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
                    } else {
                        open.add(body);
                        connected.add(id);
                        reader = new EventStreamReader(new InputStreamReader(body, StandardCharsets.UTF_8), lastEventId);
                        read(reader, seen);
                        if (running) {
                            outcomes.failure("sse:ended", "the server ended the event stream of " + id);
                        }
                    }
                } finally {
                    connected.remove(id);
                }
            } catch (IOException e) {
                if (running) {
                    outcomes.failure("sse:io", String.valueOf(e));
                }
            } catch (InterruptedException e) {
                return;
            }
            if (reader != null) {
                lastEventId = reader.lastEventId();
            }
            if (running) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void read(EventStreamReader reader, Set<String> seen) throws IOException {
        Optional<EventStreamReader.Event> next;
        while (running && (next = reader.next()).isPresent()) {
            long now = System.currentTimeMillis();
            EventStreamReader.Event event = next.get();
            if (!event.type().equals("answer")) {
                continue;
            }
            JsonNode answer = json.readTree(event.data());
            String answerId = answer.path("id").asText(event.lastEventId());
            if (!seen.add(answerId)) {
                continue;
            }
            outcomes.request("event");
            long pts = Long.parseLong(answerId.substring(answerId.lastIndexOf('@') + 1));
            long wall = watch.wallAtPts(answer.path("streamId").asText(), pts);
            if (wall < 0) {
                unmatched.incrementAndGet();
            } else {
                events.add(runSecond.getAsDouble(), now - wall);
            }
        }
    }

    /** Deletes the subscriptions (a deployment is left as it was found). */
    void delete() {
        for (String id : ids) {
            try {
                http.send(HttpRequest.newBuilder(api.resolve("/v1/subscriptions/" + id)).DELETE().timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // best effort: the run is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (InputStream body : open) {
            try {
                body.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }
}
