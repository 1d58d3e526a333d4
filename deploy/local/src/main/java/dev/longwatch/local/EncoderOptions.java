package dev.longwatch.local;

import dev.longwatch.encoder.EncoderBackend;
import dev.longwatch.encoder.EncoderConfig;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --encoder} and {@code --model}, shared by the commands that run a vision encoder (also
 * {@code bench fidelity} in the bench module).
 */
public final class EncoderOptions {
    /** Grid of the weight-free encoder: 8 x 8 patches. */
    static final int BUILTIN_GRID = 8;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--encoder", description = "builtin, onnx, tensorrt or auto (default: builtin; bench fidelity: onnx with ../shared/data/models/mobilenetv2-12-int8.onnx)")
    String encoder;

    @Option(names = "--model", description = "ONNX model for --encoder onnx/tensorrt/auto, e.g. ../shared/data/models/mobilenetv2-12-int8.onnx (default: none)")
    Path model;

    /** The configured encoder, or the built-in one when none is given. */
    public EncoderConfig config() {
        return config(() -> EncoderConfig.builtin(BUILTIN_GRID));
    }

    /** The configured encoder, or the command's own default when {@code --encoder} is not given. */
    public EncoderConfig config(Supplier<EncoderConfig> commandDefault) {
        if (encoder == null) {
            return model == null ? commandDefault.get() : EncoderConfig.onnx(model.toAbsolutePath());
        }
        EncoderBackend backend = EncoderBackend.parse(encoder);
        if (backend == EncoderBackend.BUILTIN) {
            return EncoderConfig.builtin(BUILTIN_GRID);
        }
        if (model == null) {
            throw new ParameterException(spec.commandLine(), "--encoder " + encoder + " needs --model PATH");
        }
        return EncoderConfig.onnx(model.toAbsolutePath()).withBackend(backend);
    }
}
