package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./longwatch demo --json} as a user runs it, in this JVM: embedded Kafka and all. */
class DemoCommandITCase {

    @Test
    void shouldPrintTheAskResponseAsTheLastLineOfStdout(@TempDir Path dataDir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new LongwatchCli()).execute("demo", "--json", "--slots", "6", "--data-dir", dataDir.toString());
        } finally {
            System.setOut(stdout);
        }

        assertThat(exit).isZero();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).isNotEmpty();
        JsonNode answer = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(answer.path("answer").asText()).isNotBlank();
        assertThat(answer.path("llm").isNull()).isTrue();
        assertThat(answer.path("memoryVersion").asLong()).isPositive();
        JsonNode evidence = answer.path("evidence");
        // The generated video has 8 scenes of 5 s: 40 frames in a bank of 6 slots.
        assertThat(evidence.size()).isEqualTo(6);
        assertThat(evidence.get(0).path("startSec").asDouble()).isZero();
        assertThat(evidence.get(5).path("endSec").asDouble()).isEqualTo(39.0);
    }
}
