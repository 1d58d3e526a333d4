package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.FrameEmbedding;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./longwatch up --encoder onnx --model MobileNetV2}: the stack {@code up} starts from these
 * options encodes with the model, so the memory holds MobileNetV2's tokens (7 × 7 of 1280), not
 * the built-in encoder's.
 */
class UpEncoderITCase {
    private static final Path SHARED = Path.of(System.getProperty("longwatch.shared", "../shared"));
    private static final Path MODEL = SHARED.resolve("data/models/mobilenetv2-12-int8.onnx").toAbsolutePath().normalize();
    private static final Path CLIP = SHARED.resolve("data/video/videollama-boat.mp4").toAbsolutePath().normalize();

    @Test
    void shouldKeepTheGivenModelsEmbeddingsInMemory(@TempDir Path dataDir) throws Exception {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(
                "--data-dir", dataDir.toString(), "--port", "0", "--metrics-port", "0", "--slots", "4",
                "--encoder", "onnx", "--model", MODEL.toString(), "--media-root", CLIP.getParent().toString());

        try (LocalStack stack = LocalStack.start(up.settings(Map.of()).withLlm(LlmSettings.none()))) {
            ApiClient api = new ApiClient(stack.httpBase());
            api.post("/v1/streams", Map.of("id", "boat", "uri", CLIP.toString())).requireSuccess("adding the clip");
            long frames =
                    new MemoryWait(api, "boat", Duration.ofMinutes(3), stack::fault, stream -> {})
                            .untilComplete()
                            .path("framesInMemory")
                            .asLong();

            List<FrameEmbedding> embeddings = readAll(stack, Topics.EMBEDDINGS, frames);
            assertThat(embeddings).hasSize((int) frames).allSatisfy(e -> {
                assertThat(e.getEncoderId()).isEqualTo("onnx-mobilenetv2-12-int8-627");
                assertThat(e.getTokens()).isEqualTo(49);
                assertThat(e.getDim()).isEqualTo(1280);
            });
            List<MemorySnapshot> snapshots = readAll(stack, Topics.MEMORY, 1);
            MemorySnapshot last = snapshots.get(snapshots.size() - 1);
            assertThat(last.getEncoderId()).isEqualTo("onnx-mobilenetv2-12-int8-627");
            assertThat(last.getCapacity()).isEqualTo(4);
            // A slot's descriptor is the mean of its tokens: one value per channel of the model.
            assertThat(last.getSlotsList()).hasSize(4).allSatisfy(s -> assertThat(s.getDescriptorCount()).isEqualTo(1280));
        }
    }

    @Test
    void shouldRefuseAModelThatIsNotThereBeforeStartingAnything(@TempDir Path dataDir) {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--data-dir", dataDir.toString(), "--model", dataDir.resolve("none.onnx").toString());

        assertThatThrownBy(() -> up.settings(Map.of())).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("none.onnx: no such file");
    }

    /** Every record of {@code topic} from the start, waiting until there are at least {@code least}. */
    private static <V> List<V> readAll(LocalStack stack, Topic<String, V> topic, long least) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "up-encoder-itcase-" + topic.name());
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < least && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // Whatever else is already there (later snapshots of the memory).
            for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofSeconds(1))) {
                values.add(record.value());
            }
        }
        assertThat(values).as(topic.name()).hasSizeGreaterThanOrEqualTo((int) least);
        return values;
    }
}
