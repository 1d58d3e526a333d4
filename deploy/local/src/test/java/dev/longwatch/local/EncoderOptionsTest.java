package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.encoder.EncoderBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code up}'s {@code --encoder/--model} and the encoder worker's variables are one setting: the
 * environment alone configures the encoder as the separate worker reads it, a flag replaces its
 * variable, and the other {@code LONGWATCH_ENCODER_*} variables still apply.
 */
class EncoderOptionsTest {

    @Test
    void shouldRunTheBuiltInEncoderWithNeitherFlagsNorVariables(@TempDir Path dir) {
        assertThat(up(dir).settings(Map.of()).encoder().backend()).isEqualTo(EncoderBackend.BUILTIN);
    }

    @Test
    void shouldReadTheWorkersVariablesWhenNoFlagIsGiven(@TempDir Path dir) throws Exception {
        Path model = Files.createFile(dir.resolve("model.onnx"));

        var encoder = up(dir).settings(Map.of(
                        "LONGWATCH_ENCODER_MODEL", model.toString(), "LONGWATCH_ENCODER_POOL", "2"))
                .encoder();

        assertThat(encoder.backend()).isEqualTo(EncoderBackend.ONNX);
        assertThat(encoder.model()).isEqualTo(model);
        assertThat(encoder.poolKernel()).isEqualTo(2);
    }

    @Test
    void shouldLetAFlagReplaceItsVariableAndKeepTheOthers(@TempDir Path dir) throws Exception {
        Path model = Files.createFile(dir.resolve("model.onnx"));

        var encoder = up(dir, "--encoder", "auto", "--model", model.toString())
                .settings(Map.of(
                        "LONGWATCH_ENCODER_BACKEND", "builtin",
                        "LONGWATCH_ENCODER_MODEL", dir.resolve("other.onnx").toString(),
                        "LONGWATCH_ENCODER_MAX_BATCH", "4"))
                .encoder();

        assertThat(encoder.backend()).isEqualTo(EncoderBackend.AUTO);
        assertThat(encoder.model()).isEqualTo(model.toAbsolutePath());
        assertThat(encoder.maxBatch()).isEqualTo(4);
    }

    @Test
    void shouldTakeTheModelFromTheEnvironmentForABackendFlag(@TempDir Path dir) throws Exception {
        Path model = Files.createFile(dir.resolve("model.onnx"));

        var encoder = up(dir, "--encoder", "onnx").settings(Map.of("LONGWATCH_ENCODER_MODEL", model.toString())).encoder();

        assertThat(encoder.backend()).isEqualTo(EncoderBackend.ONNX);
        assertThat(encoder.model()).isEqualTo(model);
    }

    @Test
    void shouldRefuseABackendWithoutAModelNamingBothWays(@TempDir Path dir) {
        assertThatThrownBy(() -> up(dir, "--encoder", "onnx").settings(Map.of()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("needs --model PATH (or LONGWATCH_ENCODER_MODEL)");
        assertThatThrownBy(() -> up(dir).settings(Map.of("LONGWATCH_ENCODER_BACKEND", "tensorrt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LONGWATCH_ENCODER_BACKEND=tensorrt needs LONGWATCH_ENCODER_MODEL");
    }

    @Test
    void shouldRefuseAnUnknownBackend(@TempDir Path dir) {
        assertThatThrownBy(() -> up(dir, "--encoder", "gpu").settings(Map.of()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("unknown encoder backend 'gpu'");
    }

    private static UpCommand up(Path dataDir, String... args) {
        UpCommand up = new UpCommand();
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = dataDir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        new CommandLine(up).parseArgs(all);
        return up;
    }
}
