package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./longwatch demo --json} as a user runs it, in this JVM: embedded Kafka and all. */
class DemoCommandITCase {
    private static final Path SHARED = Path.of(System.getProperty("longwatch.shared", "../shared"));

    @TempDir Path dataDir;

    @Test
    void shouldPrintTheAskResponseAsTheLastLineOfStdout() throws Exception {
        JsonNode answer = demo("--slots", "6");

        assertThat(answer.path("answer").asText()).isNotBlank();
        assertThat(answer.path("llm").isNull()).isTrue();
        assertThat(answer.path("memoryVersion").asLong()).isPositive();
        JsonNode evidence = answer.path("evidence");
        // The generated video has 8 scenes of 5 s: 40 frames in a bank of 6 slots.
        assertThat(evidence.size()).isEqualTo(6);
        assertThat(evidence.get(0).path("startSec").asDouble()).isZero();
        assertThat(evidence.get(5).path("endSec").asDouble()).isEqualTo(39.0);
    }

    @Test
    void shouldRunAStoredClipThroughMobileNetV2() throws Exception {
        JsonNode answer =
                demo(
                        "--slots", "4",
                        "--encoder", "onnx",
                        "--model", SHARED.resolve("data/models/mobilenetv2-12-int8.onnx").toString(),
                        "--video", SHARED.resolve("data/video/videollama-boat.mp4").toString());

        assertThat(answer.path("llm").isNull()).isTrue();
        JsonNode evidence = answer.path("evidence");
        // 7 frames at 1 fps (pts 0 to 6.006 s) in a bank of 4 slots that tile the clip in order.
        assertThat(evidence.size()).isEqualTo(4);
        assertThat(evidence.get(0).path("startSec").asDouble()).isZero();
        assertThat(evidence.get(3).path("endSec").asDouble()).isEqualTo(6.006);
        for (int i = 1; i < 4; i++) {
            assertThat(evidence.get(i).path("startSec").asDouble()).isGreaterThan(evidence.get(i - 1).path("endSec").asDouble());
        }
    }

    /** Runs {@code demo --json ARGS} on a fresh data dir and returns stdout's last line, the ask response. */
    private JsonNode demo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("demo", "--json", "--data-dir", dataDir.toString()));
        command.addAll(List.of(args));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new LongwatchCli()).execute(command.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).isZero();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).isNotEmpty();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }
}
