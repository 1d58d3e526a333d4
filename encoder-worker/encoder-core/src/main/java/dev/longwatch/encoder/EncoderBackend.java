package dev.longwatch.encoder;

import java.util.Locale;

/** Which {@link VisionEncoder} implementation {@link EncoderFactory} builds. */
public enum EncoderBackend {
    /** {@link PatchStatisticsEncoder}: no weights, no native code. */
    BUILTIN,
    /** ONNX Runtime: CPU, or its CUDA provider when the runtime on the classpath has it. */
    ONNX,
    /** TensorRT through the {@code longwatch-encoder-tensorrt} module (found with a ServiceLoader). */
    TENSORRT,
    /** TensorRT, else ONNX Runtime; every fallback is logged and counted. */
    AUTO;

    /** Parses {@code builtin|onnx|tensorrt|auto} (case-insensitive; {@code onnx-cpu} means onnx). */
    public static EncoderBackend parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "builtin" -> BUILTIN;
            case "onnx", "onnx-cpu" -> ONNX;
            case "tensorrt" -> TENSORRT;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(
                    "unknown encoder backend '" + text + "'; expected builtin, onnx, tensorrt or auto");
        };
    }
}
