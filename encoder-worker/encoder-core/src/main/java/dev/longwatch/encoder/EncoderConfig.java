package dev.longwatch.encoder;

import dev.longwatch.encoder.onnx.OnnxModelCache;
import dev.longwatch.encoder.postprocess.TokenLayout;
import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link EncoderFactory} builds. Start from {@link #builtin(int)} or {@link #onnx(Path)} and
 * change fields with the {@code with...} methods.
 *
 * @param backend which implementation; default {@link EncoderBackend#BUILTIN}
 * @param grid patches per side of the built-in encoder; default 8
 * @param model the ONNX file (onnx, tensorrt and auto); no default
 * @param outputName the output tensor holding the patch tokens; {@code null} (default) picks the
 *     feature map read by the model's last global average pool (CNN classifiers such as
 *     MobileNetV2: {@code 627}, 7×7×1280), else the model's first output. A tensor that is not a
 *     graph output, or a feature map (which leaves the session channels-last), is run from an
 *     edited copy of the model ({@link dev.longwatch.encoder.onnx.TokenGraph}).
 * @param layout how that tensor holds tokens; {@code null} (default) = by rank, 4 → NCHW, 3 →
 *     SEQUENCE. NCHW (given, or the global pool's feature map by default) is transposed to NHWC
 *     inside the graph
 * @param dropCls drop the first token of a sequence (CLIP's CLS); default false
 * @param poolKernel {@code k} of a {@code k × k} average pooling of the token grid (PLLaVA); default 1
 * @param preprocess resize, crop and normalisation; default {@link PreprocessSpec#imagenet()}
 * @param maxBatch most frames per model call; default 16
 * @param cacheDir where edited models and built engines are kept; default
 *     {@code ${java.io.tmpdir}/longwatch-models}
 * @param engine a serialized TensorRT engine; {@code null} (default) builds one from {@code model}
 *     and caches it in {@code cacheDir}
 */
public record EncoderConfig(
        EncoderBackend backend,
        int grid,
        Path model,
        String outputName,
        TokenLayout layout,
        boolean dropCls,
        int poolKernel,
        PreprocessSpec preprocess,
        int maxBatch,
        Path cacheDir,
        Path engine) {

    public EncoderConfig {
        if (backend == null) {
            throw new IllegalArgumentException("backend is required");
        }
        if (backend != EncoderBackend.BUILTIN && model == null) {
            throw new IllegalArgumentException("backend " + backend + " needs a model file");
        }
        if (poolKernel < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("poolKernel and maxBatch must be at least 1");
        }
    }

    /** The weight-free encoder with a {@code grid × grid} patch lattice. */
    public static EncoderConfig builtin(int grid) {
        return new EncoderConfig(EncoderBackend.BUILTIN, grid, null, null, null, false, 1,
                PreprocessSpec.imagenet(), 16, OnnxModelCache.defaultDirectory(), null);
    }

    /** ONNX Runtime on {@code model} with every other field at its default. */
    public static EncoderConfig onnx(Path model) {
        return new EncoderConfig(EncoderBackend.ONNX, 8, model, null, null, false, 1,
                PreprocessSpec.imagenet(), 16, OnnxModelCache.defaultDirectory(), null);
    }

    /**
     * From environment variables (all optional): {@code LONGWATCH_ENCODER_BACKEND}
     * (builtin|onnx|tensorrt|auto; default builtin, or onnx when a model is given),
     * {@code LONGWATCH_ENCODER_MODEL}, {@code LONGWATCH_ENCODER_OUTPUT},
     * {@code LONGWATCH_ENCODER_PREPROCESS} (imagenet|imagenet-direct|clip|siglip) with
     * {@code LONGWATCH_ENCODER_INPUT_SIZE} (default 224), {@code LONGWATCH_ENCODER_POOL},
     * {@code LONGWATCH_ENCODER_DROP_CLS}, {@code LONGWATCH_ENCODER_MAX_BATCH},
     * {@code LONGWATCH_ENCODER_GRID}, {@code LONGWATCH_ENCODER_ENGINE}, {@code LONGWATCH_MODEL_CACHE}.
     */
    public static EncoderConfig fromEnvironment(Map<String, String> env) {
        String modelText = env.get("LONGWATCH_ENCODER_MODEL");
        Path model = modelText == null || modelText.isBlank() ? null : Path.of(modelText);
        EncoderBackend backend = EncoderBackend.parse(
                env.getOrDefault("LONGWATCH_ENCODER_BACKEND", model == null ? "builtin" : "onnx"));
        if (backend != EncoderBackend.BUILTIN && model == null) {
            throw new IllegalArgumentException("LONGWATCH_ENCODER_BACKEND=" + env.get("LONGWATCH_ENCODER_BACKEND")
                    + " needs LONGWATCH_ENCODER_MODEL, an ONNX file (e.g. mobilenetv2-12-int8.onnx)");
        }
        int size = Integer.parseInt(env.getOrDefault("LONGWATCH_ENCODER_INPUT_SIZE", "224"));
        String engine = env.get("LONGWATCH_ENCODER_ENGINE");
        return new EncoderConfig(
                backend,
                Integer.parseInt(env.getOrDefault("LONGWATCH_ENCODER_GRID", "8")),
                model,
                env.get("LONGWATCH_ENCODER_OUTPUT"),
                null,
                Boolean.parseBoolean(env.getOrDefault("LONGWATCH_ENCODER_DROP_CLS", "false")),
                Integer.parseInt(env.getOrDefault("LONGWATCH_ENCODER_POOL", "1")),
                PreprocessSpec.byName(env.getOrDefault("LONGWATCH_ENCODER_PREPROCESS", "imagenet"), size),
                Integer.parseInt(env.getOrDefault("LONGWATCH_ENCODER_MAX_BATCH", "16")),
                Path.of(env.getOrDefault("LONGWATCH_MODEL_CACHE", OnnxModelCache.defaultDirectory().toString())),
                engine == null || engine.isBlank() ? null : Path.of(engine));
    }

    public EncoderConfig withBackend(EncoderBackend value) {
        return new EncoderConfig(value, grid, model, outputName, layout, dropCls, poolKernel, preprocess, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withOutputName(String value) {
        return new EncoderConfig(backend, grid, model, value, layout, dropCls, poolKernel, preprocess, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withLayout(TokenLayout value) {
        return new EncoderConfig(backend, grid, model, outputName, value, dropCls, poolKernel, preprocess, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withDropCls(boolean value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, value, poolKernel, preprocess, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withPoolKernel(int value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, dropCls, value, preprocess, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withPreprocess(PreprocessSpec value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, dropCls, poolKernel, value, maxBatch, cacheDir, engine);
    }

    public EncoderConfig withMaxBatch(int value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, dropCls, poolKernel, preprocess, value, cacheDir, engine);
    }

    public EncoderConfig withCacheDir(Path value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, dropCls, poolKernel, preprocess, maxBatch, value, engine);
    }

    public EncoderConfig withEngine(Path value) {
        return new EncoderConfig(backend, grid, model, outputName, layout, dropCls, poolKernel, preprocess, maxBatch, cacheDir, value);
    }
}
