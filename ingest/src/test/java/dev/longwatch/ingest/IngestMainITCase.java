package dev.longwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest process entry point: configured by environment, ingesting, with health and metrics. */
class IngestMainITCase {
    private static final Path CLIP = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video/videollama-boat.mp4").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path dir;

    @Test
    void shouldIngestARegisteredFileAndExposeItsMetricsAndHealth() throws Exception {
        assumeTrue(Files.isReadable(CLIP), "shared clip missing: " + CLIP);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 1)) {
            TopicAdmin.createAll(kafka.bootstrapServers(), 1, (short) 1);
            Map<String, String> env = Map.of(
                    "LONGWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "LONGWATCH_INGEST_INSTANCE_ID", "ingest-under-test",
                    "LONGWATCH_INGEST_ALLOWED_ROOTS", CLIP.getParent().toString(),
                    "LONGWATCH_METRICS_HOST", "127.0.0.1",
                    "LONGWATCH_METRICS_PORT", "0");
            int port;
            try (IngestMain ingest = IngestMain.start(env)) {
                port = ingest.metricsPort();
                assertThat(get(port, "/healthz")).isEqualTo("200 ok\n");
                // start() returns once the group is joined and lw.streams read: ready at once
                assertThat(get(port, "/readyz")).isEqualTo("200 ready\n");

                register(kafka, "boat", CLIP.toUri().toString());

                // 6.06 s sampled at 1 fps (pts 0 s to 6 s): seven frames, all acknowledged and
                // counted for the stream (the counter passes through 1..6 on the way)
                String sample = "lw_ingest_frames_total{stream=\"boat\"} 7.0";
                Instant deadline = Instant.now().plusSeconds(60);
                String metrics = get(port, "/metrics");
                while (!metrics.contains(sample) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(200);
                    metrics = get(port, "/metrics");
                }
                assertThat(metrics).contains(sample).contains("jvm_memory_used_bytes");
            }
            // Then a closed instance no longer answers
            int closedPort = port;
            assertThatThrownBy(() -> get(closedPort, "/healthz")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldNameTheVariableWhoseValueIsMalformed() {
        assertThatThrownBy(() -> IngestMain.start(Map.of("LONGWATCH_INGEST_MAX_STREAMS", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LONGWATCH_INGEST_MAX_STREAMS");
        assertThatThrownBy(() -> IngestMain.start(Map.of("LONGWATCH_METRICS_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LONGWATCH_METRICS_PORT");
    }

    private static void register(EmbeddedKafka kafka, String id, String uri) throws Exception {
        try (KafkaProducer<String, StreamSpec> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Topics.STREAMS.keySerde().serializer(),
                Topics.STREAMS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.STREAMS.name(), id, StreamSpec.newBuilder()
                    .setId(id).setUri(uri).setSampleFps(1).setEnabled(true)
                    .setCreatedMs(System.currentTimeMillis()).build())).get();
        }
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
