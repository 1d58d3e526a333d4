package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EvidenceSpan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./longwatch ingest}, {@code ./longwatch ask} and {@code ./longwatch subscribe} against a
 * running embedded stack.
 */
class ClientCommandsITCase {
    private static final Path CLIP = Path.of("../../../shared/data/video/videollama-dog_barking.mp4").toAbsolutePath().normalize();

    @Test
    void shouldIngestAFileUntilItIsInMemoryThenAnswerAboutIt(@TempDir Path dataDir) throws Exception {
        LocalStackSettings settings =
                LocalStackSettings.defaults(dataDir).withHttpPort(0).withSlots(5).withLlm(LlmSettings.none())
                        .withMediaRoots(List.of(CLIP.getParent()));
        try (LocalStack stack = LocalStack.start(settings)) {
            String server = stack.httpBase().toString();

            int ingested = new CommandLine(new LongwatchCli()).execute("ingest", CLIP.toString(), "--stream", "dog", "--server", server);
            assertThat(ingested).isZero();
            JsonNode stream = new ApiClient(stack.httpBase()).get("/v1/streams/dog").json();
            assertThat(stream.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(stream.path("framesInMemory").asLong()).isEqualTo(stream.path("framesProduced").asLong()).isPositive();

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream stdout = System.out;
            int asked;
            try {
                System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
                asked = new CommandLine(new LongwatchCli()).execute("ask", "dog", "Is there a dog?", "--server", server, "--json");
            } finally {
                System.setOut(stdout);
            }
            assertThat(asked).isZero();
            List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
            JsonNode answer = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            assertThat(answer.path("evidence").size()).isBetween(1, 5);

            // And ./longwatch subscribe prints an answer the stack pushes over its event stream (written
            // to lw.event-answers as the standing-question app would: no model is configured here)
            List<String> subscribed = subscribeUntilPrinted(stack, "[2.0s] dog: A dog barks. (evidence 0.0s-4.0s)");
            assertThat(subscribed).hasSize(3);
            assertThat(subscribed.get(0)).startsWith("subscribed sub-").endsWith(" to dog: Is there a dog?");
            assertThat(subscribed.get(1)).startsWith("note: no language model is configured");
            assertThat(subscribed.get(2)).isEqualTo("[2.0s] dog: A dog barks. (evidence 0.0s-4.0s)");

            int missing = new CommandLine(new LongwatchCli()).execute("ingest", "/no/such/file.mp4", "--stream", "none", "--server", server);
            assertThat(missing).isEqualTo(2);

            // And the stack's ingest and encoder meters are scraped like a deployment's would be
            ApiClient endpoints = new ApiClient(java.net.URI.create(stack.metricsBase()));
            assertThat(endpoints.get("/healthz").status()).isEqualTo(200);
            assertThat(endpoints.get("/metrics").body())
                    .contains("lw_ingest_frames_total{stream=\"dog\"} " + stream.path("framesProduced").asLong() + ".0");
            // And the memory job's, from Flink's Prometheus reporter
            assertThat(new ApiClient(java.net.URI.create(stack.flinkMetricsBase())).get("/metrics").body())
                    .contains("flink_taskmanager_job_task_operator_framesDeadLettered")
                    .contains("flink_jobmanager_job_numberOfCompletedCheckpoints");
        }
    }

    /**
     * Runs {@code subscribe} until it prints {@code expected}; returns what it printed. The answer
     * is sent again every half second until then (a first connection gets no replay, and the
     * command cannot say when it listens); the client prints each answer id once.
     */
    private static List<String> subscribeUntilPrinted(LocalStack stack, String expected) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        // Runs until interrupted: it ends at its next reconnect, once the stack is closed.
        Thread command = new Thread(() -> new CommandLine(new LongwatchCli()).execute(
                "subscribe", "dog", "Is there a dog?", "--cooldown", "5", "--server", stack.httpBase().toString()), "subscribe");
        command.setDaemon(true);
        try (KafkaProducer<String, EventAnswer> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                Topics.EVENT_ANSWERS.keySerde().serializer(),
                Topics.EVENT_ANSWERS.valueSerde().serializer())) {
            command.start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!printed.toString(StandardCharsets.UTF_8).contains(expected) && Instant.now().isBefore(deadline)) {
                String text = printed.toString(StandardCharsets.UTF_8);
                int at = text.indexOf("subscribed ");
                if (at >= 0) {
                    String subscription = text.substring(at + "subscribed ".length()).split(" ")[0];
                    EventAnswer answer = EventAnswer.newBuilder()
                            .setId(subscription + "@2000")
                            .setSubscriptionId(subscription)
                            .setStreamId("dog")
                            .setAtMs(2000)
                            .setAnswer("A dog barks.")
                            .addEvidence(EvidenceSpan.newBuilder().setStartSec(0).setEndSec(4).setKeyframeSeq(1))
                            .build();
                    producer.send(new ProducerRecord<>(Topics.EVENT_ANSWERS.name(), "dog", answer)).get();
                }
                Thread.sleep(500);
            }
        } finally {
            System.setOut(stdout);
            command.interrupt();
        }
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
