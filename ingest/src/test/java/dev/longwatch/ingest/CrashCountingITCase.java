package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source during whose reading the process dies is not started again and again: an ingest
 * instance in a child JVM is SIGKILLed while it is in the middle of an attempt (connecting to a
 * camera that never answers, with a 60 s timeout, so the attempt cannot end on its own), three
 * times; the fourth instance marks the stream FAILED instead of trying it a fourth time.
 */
class CrashCountingITCase {
    static final String GROUP = "crash-counting";

    @TempDir Path dir;

    @Test
    void shouldFailAStreamWhoseAttemptsDieThreeTimesInARowAndNotRetryIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1, Map.of("group.min.session.timeout.ms", "1000"));
                SilentCamera camera = new SilentCamera()) {
            TopicAdmin.createAll(kafka.bootstrapServers(), 1, (short) 1);
            try (KafkaProducer<String, StreamSpec> producer = DeadCamerasITCase.producer(kafka)) {
                DeadCamerasITCase.send(producer, "crashy", camera.url("stream"));
            }
            for (int attempt = 1; attempt <= 3; attempt++) {
                Process child = startChild(kafka, "ingest-crash-" + attempt);
                try {
                    int expected = attempt;
                    Map<String, StreamStatus> s = DeadCamerasITCase.awaitStatuses(kafka, Duration.ofSeconds(60),
                            m -> m.containsKey("crashy") && m.get("crashy").getUnfinishedAttempts() == expected);
                    assertThat(s.get("crashy").getUnfinishedAttempts()).as("mark before attempt " + attempt).isEqualTo(attempt);
                    assertThat(s.get("crashy").getState()).isNotEqualTo(StreamState.FAILED);
                } finally {
                    // The process dies in the middle of the attempt, as in a native crash.
                    child.destroyForcibly();
                    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                }
            }
            int swallowed = camera.connectionsSwallowed();
            Process fourth = startChild(kafka, "ingest-crash-4");
            try {
                Map<String, StreamStatus> s = DeadCamerasITCase.awaitStatuses(kafka, Duration.ofSeconds(60),
                        m -> m.containsKey("crashy") && m.get("crashy").getState() == StreamState.FAILED);
                StreamStatus failed = s.get("crashy");
                assertThat(failed.getState()).isEqualTo(StreamState.FAILED);
                assertThat(failed.getError()).contains("not started again").contains("3 times in a row");
                Thread.sleep(1_000);
                assertThat(camera.connectionsSwallowed()).as("no fourth attempt").isEqualTo(swallowed);
            } finally {
                fourth.destroy();
                fourth.waitFor(20, TimeUnit.SECONDS);
                fourth.destroyForcibly();
            }
        }
    }

    private static Process startChild(EmbeddedKafka kafka, String instanceId) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                IngestInstanceMain.class.getName(),
                kafka.bootstrapServers(), instanceId, GROUP, "3000", "1000", "60000"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.err.println("[" + instanceId + "] " + line);
                }
            } catch (java.io.IOException e) {
                // killed
            }
        }, "child-output-" + instanceId);
        drain.setDaemon(true);
        drain.start();
        return process;
    }
}
