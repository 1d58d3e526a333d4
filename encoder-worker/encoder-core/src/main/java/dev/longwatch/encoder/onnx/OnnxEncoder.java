package dev.longwatch.encoder.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.longwatch.encoder.CoreShare;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.encoder.postprocess.TokenExtractor;
import dev.longwatch.encoder.preprocess.ImagePreprocessor;
import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patch tokens from an ONNX model with ONNX Runtime: CPU, or CUDA when the runtime on the
 * classpath offers that provider. Frames go through {@link ImagePreprocessor}, the batch through
 * one session run, and the chosen output tensor through {@link TokenExtractor}.
 *
 * <p>Input and output are checked once, at {@link #open}: the input must be {@code [N, 3, H, W]}
 * float matching the preprocessing, and one warm-up run fixes {@link #tokens()} and
 * {@link #dim()}. One instance serves one thread at a time (the input buffers are reused).
 */
public final class OnnxEncoder implements VisionEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEncoder.class);
    // Bands of one frame cost a little more than the whole frame (each band widens its first
    // source rows afresh), about 2% more at four bands per core for a 224-row crop.
    private static final int BANDS_PER_CORE = 4;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final TokenGraph graph;
    private final String inputName;
    private final ImagePreprocessor preprocessor;
    private final TokenExtractor extractor;
    private final int maxBatch;
    private final String id;
    // Two direct input buffers: ONNX Runtime reads a batch in place (no copy), and while the
    // session runs on one, the next chunk is preprocessed straight into the other.
    private final FloatBuffer[] inputs = new FloatBuffer[2];
    // Two direct output buffers, pinned as the run's output: ONNX Runtime writes the tokens'
    // tensor there and extraction reads it in place, while the next run writes the other. (An
    // output ONNX Runtime allocates is read back with getFloatBuffer(), a copy of the whole
    // tensor into a new heap array per run.)
    private final FloatBuffer[] outputs = new FloatBuffer[2];
    // The output's shape for one frame (a run of n frames has n in place of the 1), and its size.
    private final long[] frameOutputShape;
    private final int outputFloats;
    // Work no running session can hide (the first chunk's preprocessing, the last chunk's token
    // extraction) is shared between the caller and one helper per further core. Beside a running
    // session only one task at a time runs here (preprocess the next chunk, extract the previous
    // one's tokens): ONNX Runtime's own threads already take the cores, and each extra runnable
    // thread stalls its per-operator barriers.
    private final CoreShare cores = new CoreShare("onnx-encoder-helper");
    private final int tokens;
    private final int dim;

    private OnnxEncoder(
            OrtSession session,
            TokenGraph graph,
            String inputName,
            EncoderConfig config,
            long[] outputShape,
            int maxBatch,
            String id) {
        this.env = OrtEnvironment.getEnvironment();
        this.session = session;
        this.graph = graph;
        this.inputName = inputName;
        this.preprocessor = new ImagePreprocessor(config.preprocess());
        this.extractor = new TokenExtractor(graph.layoutFor(outputShape), config.dropCls(), config.poolKernel());
        TokenExtractor.TokenShape tokenShape = extractor.tokenShape(outputShape);
        this.tokens = tokenShape.tokens();
        this.dim = tokenShape.dim();
        this.maxBatch = maxBatch;
        this.id = id;
        this.frameOutputShape = outputShape.clone();
        this.outputFloats = Math.toIntExact(Arrays.stream(outputShape).reduce(1, Math::multiplyExact));
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = directFloats(maxBatch * config.preprocess().floatsPerFrame());
            outputs[i] = directFloats(maxBatch * outputFloats);
        }
    }

    /**
     * Loads the model's {@link TokenGraph} (the token tensor as the graph's output, a feature map
     * channels-last) and checks its input.
     *
     * @throws IllegalArgumentException for a missing model, unknown tensor or mismatched input
     * @throws IllegalStateException when ONNX Runtime fails to load or run the model
     */
    public static OnnxEncoder open(EncoderConfig config) {
        TokenGraph graph = TokenGraph.of(config);
        Path model = config.model();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = sessionOptions()) {
            if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                options.addCUDA(0);
                LOG.info("ONNX Runtime uses its CUDA provider for {}", model);
            } else {
                // The CPU build of onnxruntime has no CUDA provider; com.microsoft.onnxruntime:
                // onnxruntime_gpu on a CUDA machine has.
                LOG.info("ONNX Runtime runs {} on the CPU: no CUDA provider in this build ({})",
                        model, OrtEnvironment.getAvailableProviders());
            }
            session = env.createSession(graph.model().toString(), options);
            String inputName = session.getInputNames().iterator().next();
            int batchLimit = checkInput(session.getInputInfo().get(inputName), config.preprocess(), config.maxBatch());
            String id = encoderId(model, graph.tensor(), config);
            long[] outputShape = warmUp(env, session, inputName, graph.output(), config.preprocess());
            OnnxEncoder encoder = new OnnxEncoder(session, graph, inputName, config, outputShape, batchLimit, id);
            LOG.info("ONNX encoder {}: output '{}' {} -> {} tokens x {}", id, graph.output(),
                    Arrays.toString(outputShape), encoder.tokens, encoder.dim);
            return encoder;
        } catch (OrtException e) {
            closeQuietly(session);
            throw new IllegalStateException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * The session settings of every encoder session (and of the benchmark's reference session):
     * all graph optimisations, and no spinning. ORT's pool threads spin after each run by
     * default; the spinning takes the cores that preprocessing of the next batch needs (and that
     * other services in the same JVM need), so they sleep instead.
     */
    public static OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static FloatBuffer directFloats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * One black frame through the model: its output shape fixes the layout and the token count,
     * and it must be a float tensor (runs write it into a pinned float buffer).
     */
    private static long[] warmUp(
            OrtEnvironment env, OrtSession session, String inputName, String output, PreprocessSpec spec)
            throws OrtException {
        long[] shape = {1, 3, spec.cropHeight(), spec.cropWidth()};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[spec.floatsPerFrame()]), shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Set.of(output))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor tokens) || tokens.getInfo().type != OnnxJavaType.FLOAT) {
                throw new IllegalArgumentException("output '" + output + "' is not a float tensor: " + value.getInfo());
            }
            return tokens.getInfo().getShape();
        }
    }

    /** @return the most frames one run may take: the model's fixed batch, or {@code maxBatch} */
    private static int checkInput(NodeInfo info, PreprocessSpec spec, int maxBatch) {
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("model input '" + info.getName() + "' must be a float tensor, is " + info.getInfo());
        }
        long[] shape = tensor.getShape();
        boolean matches = shape.length == 4
                && (shape[1] == 3)
                && (shape[2] < 0 || shape[2] == spec.cropHeight())
                && (shape[3] < 0 || shape[3] == spec.cropWidth());
        if (!matches) {
            throw new IllegalArgumentException("model input '" + info.getName() + "' has shape " + Arrays.toString(shape)
                    + " but preprocessing '" + spec.name() + "' makes [N, 3, " + spec.cropHeight() + ", "
                    + spec.cropWidth() + "]");
        }
        return shape[0] > 0 ? (int) Math.min(shape[0], maxBatch) : maxBatch;
    }

    private static String encoderId(Path model, String output, EncoderConfig config) {
        String name = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        return ("onnx-" + name + "-" + output
                        + (config.dropCls() ? "-nocls" : "")
                        + (config.poolKernel() > 1 ? "-pool" + config.poolKernel() : ""))
                .replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int preferredBatch() {
        return maxBatch;
    }

    /** The session's output that holds the patch tokens ({@link TokenGraph#output()}). */
    public String outputName() {
        return graph.output();
    }

    /** The model file the session runs: the {@link TokenGraph}'s, an edited copy unless the model had the tokens as an output. */
    public Path sessionModel() {
        return graph.model();
    }

    /** The preprocessing this encoder applies. */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Encodes in chunks of {@link #preferredBatch()} frames (the last one smaller), each one
     * session run. A call is never cut smaller than that just to overlap Java work with
     * inference: ONNX Runtime's cost per frame falls with the batch (MobileNetV2 on 2 cores: about
     * 310 frames/s at 4, 400-445 at 8 and 16), which costs more than the overlap gains now that
     * preprocessing is about a fifth of the session's CPU time per frame.
     *
     * <p>Calls of more than one chunk are pipelined: while the session runs chunk {@code i}, one
     * helper thread extracts the tokens of chunk {@code i - 1} and preprocesses chunk
     * {@code i + 1} into the other input buffer, so that Java work hides behind inference instead
     * of adding to it. The first chunk's preprocessing and the last chunk's extraction are not
     * hidden; both are spread over all cores, the calling thread's included ({@link CoreShare}).
     */
    @Override
    public float[][] encode(List<BufferedImage> frames) {
        float[][] out = new float[frames.size()][];
        if (frames.isEmpty()) {
            return out;
        }
        int chunk = Math.min(maxBatch, frames.size());
        preprocessParallel(frames.subList(0, chunk), inputs[0]);
        Output previous = null;
        for (int start = 0, index = 0; start < frames.size(); start += chunk, index++) {
            int size = Math.min(chunk, frames.size() - start);
            int nextStart = start + chunk;
            FloatBuffer nextInput = inputs[(index + 1) % 2];
            Output done = previous;
            Future<?> beside = done == null && nextStart >= frames.size() ? null : cores.submit(() -> {
                if (done != null) {
                    extract(done, out);
                }
                if (nextStart < frames.size()) {
                    preprocess(frames.subList(nextStart, Math.min(frames.size(), nextStart + chunk)), nextInput);
                }
            });
            RuntimeException failure = null;
            try {
                previous = run(inputs[index % 2], outputs[index % 2], size, start);
            } catch (RuntimeException e) {
                failure = e;
            }
            // Even when the run failed: the helper writes into buffers the next call reuses. The
            // run's failure comes first; the helper's, if any, is attached to it.
            try {
                CoreShare.join(beside);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        extractParallel(previous, out);
        return out;
    }

    /** One run's output tensor, in one of the output buffers, and where its frames go. */
    private record Output(FloatBuffer data, long[] shape, int size, int firstFrame) {}

    private void extract(Output output, float[][] out) {
        for (int i = 0; i < output.size(); i++) {
            extractFrame(output, i, out);
        }
    }

    /** As {@link #extract}, spread over the cores; for the last run, when no session runs any more. */
    private void extractParallel(Output output, float[][] out) {
        cores.forEach(output.size(), i -> extractFrame(output, i, out));
    }

    private void extractFrame(Output output, int frame, float[][] out) {
        out[output.firstFrame() + frame] = extractor.tokens(output.data(), output.shape(), frame);
    }

    /** Preprocesses {@code batch} into {@code input} on the calling thread. */
    private void preprocess(List<BufferedImage> batch, FloatBuffer input) {
        int floats = preprocessor.spec().floatsPerFrame();
        int height = preprocessor.spec().cropHeight();
        for (int frame = 0; frame < batch.size(); frame++) {
            preprocessor.writeNchw(batch.get(frame), input, frame * floats, 0, height);
        }
    }

    /** Preprocesses {@code batch} into {@code input}, spread over the cores. */
    private void preprocessParallel(List<BufferedImage> batch, FloatBuffer input) {
        int floats = preprocessor.spec().floatsPerFrame();
        int height = preprocessor.spec().cropHeight();
        // Small batches are cut into row bands too, so that a single frame still uses every core,
        // and a few per core, so that the caller can take over what a late helper has not begun.
        // At most one band per output row: an empty band is no work and writeNchw refuses it.
        int bands = Math.min(height, Math.max(1, BANDS_PER_CORE * (cores.helperCount() + 1) / batch.size()));
        cores.forEach(batch.size() * bands, task -> {
            int frame = task / bands;
            int band = task % bands;
            preprocessor.writeNchw(batch.get(frame), input, frame * floats,
                    band * height / bands, (band + 1) * height / bands);
        });
    }

    /** Runs the session on the first {@code size} frames of {@code input}, writing into {@code output}. */
    private Output run(FloatBuffer input, FloatBuffer output, int size, int firstFrame) {
        PreprocessSpec spec = preprocessor.spec();
        long[] shape = {size, 3, spec.cropHeight(), spec.cropWidth()};
        FloatBuffer frames = input.duplicate().position(0).limit(size * spec.floatsPerFrame()).slice();
        long[] outputShape = frameOutputShape.clone();
        outputShape[0] = size;
        FloatBuffer tokens = output.duplicate().position(0).limit(size * outputFloats).slice();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, frames, shape);
                OnnxTensor pinned = OnnxTensor.createTensor(env, tokens, outputShape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor), Map.of(graph.output(), pinned))) {
            return new Output(tokens, outputShape, size, firstFrame);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + size + " frames: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        cores.close();
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session failed", e);
        }
    }
}
