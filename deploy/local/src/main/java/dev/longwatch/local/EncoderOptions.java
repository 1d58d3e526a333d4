package dev.longwatch.local;

import dev.longwatch.encoder.EncoderBackend;
import dev.longwatch.encoder.EncoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --encoder} and {@code --model}, shared by the commands that run a vision encoder (also
 * {@code bench fidelity} in the bench module). For {@code up} and {@code demo} they are the
 * encoder worker's {@code LONGWATCH_ENCODER_BACKEND} and {@code LONGWATCH_ENCODER_MODEL} given on
 * the command line: {@link #config(Map)} reads the worker's environment as the worker does, a flag
 * replacing its variable, so there is one configuration of the encoder, not two.
 */
public final class EncoderOptions {
    /** Grid of the weight-free encoder: 8 x 8 patches. */
    static final int BUILTIN_GRID = 8;

    static final String ENV_BACKEND = "LONGWATCH_ENCODER_BACKEND";
    static final String ENV_MODEL = "LONGWATCH_ENCODER_MODEL";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--encoder", description = "builtin, onnx, tensorrt or auto; up and demo: replaces LONGWATCH_ENCODER_BACKEND (default: that variable, else builtin, or onnx when a model is given; bench fidelity: onnx with ../shared/data/models/mobilenetv2-12-int8.onnx)")
    String encoder;

    @Option(names = "--model", description = "ONNX model for --encoder onnx/tensorrt/auto, e.g. ../shared/data/models/mobilenetv2-12-int8.onnx; up and demo: replaces LONGWATCH_ENCODER_MODEL (default: that variable, else none)")
    Path model;

    /** Whether {@code --encoder} or {@code --model} was given. */
    public boolean given() {
        return encoder != null || model != null;
    }

    /** The configured encoder, or the built-in one when none is given. */
    public EncoderConfig config() {
        return config(() -> EncoderConfig.builtin(BUILTIN_GRID));
    }

    /**
     * The encoder the worker's environment describes ({@link EncoderConfig#fromEnvironment}), with
     * {@code --encoder} in place of {@code LONGWATCH_ENCODER_BACKEND} and {@code --model} in place of
     * {@code LONGWATCH_ENCODER_MODEL} when given; the other {@code LONGWATCH_ENCODER_*} variables
     * (preprocessing, pooling, batch) apply either way.
     *
     * @throws ParameterException when a flag is wrong
     * @throws IllegalArgumentException when a variable is (the message names it)
     */
    public EncoderConfig config(Map<String, String> environment) {
        checkModelFile();
        Map<String, String> merged = new HashMap<>(environment);
        if (model != null) {
            merged.put(ENV_MODEL, model.toAbsolutePath().toString());
        }
        if (encoder != null) {
            EncoderBackend backend = backend();
            if (backend != EncoderBackend.BUILTIN && merged.get(ENV_MODEL) == null) {
                throw new ParameterException(
                        spec.commandLine(), "--encoder " + encoder + " needs --model PATH (or " + ENV_MODEL + ")");
            }
            merged.put(ENV_BACKEND, backend.name().toLowerCase(Locale.ROOT));
        } else if (model != null) {
            // --model alone means ONNX Runtime, as LONGWATCH_ENCODER_MODEL alone does.
            merged.putIfAbsent(ENV_BACKEND, "onnx");
        }
        return EncoderConfig.fromEnvironment(merged);
    }

    /** The configured encoder, or the command's own default when {@code --encoder} is not given. */
    public EncoderConfig config(Supplier<EncoderConfig> commandDefault) {
        checkModelFile();
        if (encoder == null) {
            return model == null ? commandDefault.get() : EncoderConfig.onnx(model.toAbsolutePath());
        }
        EncoderBackend backend = backend();
        if (backend == EncoderBackend.BUILTIN) {
            return EncoderConfig.builtin(BUILTIN_GRID);
        }
        if (model == null) {
            throw new ParameterException(spec.commandLine(), "--encoder " + encoder + " needs --model PATH");
        }
        return EncoderConfig.onnx(model.toAbsolutePath()).withBackend(backend);
    }

    private void checkModelFile() {
        if (model != null && !Files.isRegularFile(model)) {
            // Checked here, before a stack starts Kafka and Flink only to fail at the encoder.
            throw new ParameterException(spec.commandLine(), "--model " + model + ": no such file");
        }
    }

    private EncoderBackend backend() {
        try {
            return EncoderBackend.parse(encoder);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--encoder: " + e.getMessage());
        }
    }
}
