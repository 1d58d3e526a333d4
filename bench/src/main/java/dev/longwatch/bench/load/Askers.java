package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Concurrent users asking questions: each asker is a thread that thinks (an exponentially
 * distributed pause of mean {@code thinkMs}, so the askers do not march in step), then asks one
 * of the run's cameras a question over a random window of what its memory holds now, and waits
 * for the answer. The latency a user sees is timed from request to the last byte of the answer;
 * the model's part of it ({@code llm.latencyMs} in the answer) is recorded apart and subtracted
 * for {@code askP99Ms}.
 */
final class Askers implements AutoCloseable {
    static final List<String> QUESTIONS = List.of(
            "What happens in this part of the footage?",
            "Is there a person in view?",
            "Does anything move quickly?",
            "When does the scene change?",
            "What is in the background?",
            "Is there an animal?",
            "Describe the lighting.",
            "Is anyone talking?");

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI api;
    private final List<String> streams;
    private final TopicWatch watch;
    private final Outcomes outcomes;
    private final DoubleSupplier runSecond;
    private final double thinkMs;
    /** Time seen by the user, model share subtracted; the model share itself; the whole. */
    final Latencies withoutModel = new Latencies();
    final Latencies model = new Latencies();
    final Latencies total = new Latencies();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long lastAnsweredNanos = System.nanoTime();

    Askers(URI api, List<String> streams, TopicWatch watch, Outcomes outcomes, DoubleSupplier runSecond, double thinkMs) {
        this.api = api;
        this.streams = streams;
        this.watch = watch;
        this.outcomes = outcomes;
        this.runSecond = runSecond;
        this.thinkMs = thinkMs;
    }

    void start(int count, long seed) {
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 1000 + i);
            Thread thread = new Thread(() -> askUntilClosed(random), "load-asker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** When the last ask was answered (System.nanoTime), for the chaos report's gap. */
    long lastAnsweredNanos() {
        return lastAnsweredNanos;
    }

    private void askUntilClosed(SplittableRandom random) {
        try {
            while (running) {
                Thread.sleep(Math.round(-Math.log(1 - random.nextDouble()) * thinkMs));
                if (!running) {
                    return;
                }
                String stream = streams.get(random.nextInt(streams.size()));
                double coverage = watch.coverageSec(stream);
                if (coverage < 1) {
                    continue; // nothing in this camera's memory yet
                }
                double from = random.nextDouble() * (coverage - 1);
                double to = from + 1 + random.nextDouble() * (coverage - 1 - from);
                ask(stream, QUESTIONS.get(random.nextInt(QUESTIONS.size())), from, to);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ask(String stream, String question, double fromSec, double toSec) throws InterruptedException {
        String body = json.createObjectNode()
                .put("question", question)
                .put("fromSec", Math.floor(fromSec * 10) / 10)
                .put("toSec", Math.floor(toSec * 10) / 10)
                .toString();
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/v1/streams/" + stream + "/ask"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        outcomes.request("ask");
        double at = runSecond.getAsDouble();
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            outcomes.failure("ask:timeout", e.getMessage());
            return;
        } catch (IOException e) {
            outcomes.failure("ask:io", String.valueOf(e));
            return;
        }
        double ms = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200) {
            outcomes.failure("ask:http-" + response.statusCode(), response.body());
            return;
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            outcomes.failure("ask:bad-json", response.body());
            return;
        }
        if (!answer.hasNonNull("answer")) {
            outcomes.failure("ask:no-answer", response.body());
            return;
        }
        double modelMs = answer.path("llm").path("latencyMs").asDouble(0);
        lastAnsweredNanos = System.nanoTime();
        total.add(at, ms);
        model.add(at, modelMs);
        withoutModel.add(at, Math.max(0, ms - modelMs));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            thread.join(35_000);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d askers", threads.size());
    }
}
