package dev.longwatch.encoder.tensorrt;

import dev.longwatch.encoder.CoreShare;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.encoder.postprocess.TokenExtractor;
import dev.longwatch.encoder.preprocess.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Patch tokens from a TensorRT engine: the same preprocessing and token extraction as the ONNX
 * encoder around a {@link TensorRtSession}, which holds every native call. One thread at a time.
 */
public final class TensorRtEncoder implements VisionEncoder {
    private final TensorRtSession session;
    private final ImagePreprocessor preprocessor;
    private final TokenExtractor extractor;
    private final String id;
    private final int maxBatch;
    private final int tokens;
    private final int dim;
    private final float[] staging;
    // Preprocessing spread over the cores, on threads of its own (not the common pool, which
    // Kafka or Flink in the same JVM may use).
    private final CoreShare cores = new CoreShare("tensorrt-encoder-helper");

    TensorRtEncoder(TensorRtSession session, ImagePreprocessor preprocessor, TokenExtractor extractor, String id, int maxBatch) {
        this.session = session;
        this.preprocessor = preprocessor;
        this.extractor = extractor;
        this.id = id;
        this.maxBatch = maxBatch;
        TokenExtractor.TokenShape shape = extractor.tokenShape(session.outputShapeAtMax());
        this.tokens = shape.tokens();
        this.dim = shape.dim();
        this.staging = new float[maxBatch * preprocessor.spec().floatsPerFrame()];
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

    @Override
    public float[][] encode(List<BufferedImage> frames) {
        float[][] out = new float[frames.size()][];
        int floats = preprocessor.spec().floatsPerFrame();
        for (int start = 0; start < frames.size(); start += maxBatch) {
            List<BufferedImage> batch = frames.subList(start, Math.min(frames.size(), start + maxBatch));
            cores.forEach(batch.size(), i -> preprocessor.writeNchw(batch.get(i), staging, i * floats));
            TensorRtSession.Output output = session.infer(staging, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                out[start + i] = extractor.tokens(output.data(), output.shape(), i);
            }
        }
        return out;
    }

    @Override
    public void close() {
        cores.close();
        session.close();
    }
}
