package dev.longwatch.encoder.tensorrt;

import dev.longwatch.encoder.EncoderBackend;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.encoder.VisionEncoderProvider;
import dev.longwatch.encoder.onnx.TokenGraph;
import dev.longwatch.encoder.postprocess.TokenExtractor;
import dev.longwatch.encoder.postprocess.TokenLayout;
import dev.longwatch.encoder.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tensorrt} backend for {@link dev.longwatch.encoder.EncoderFactory}: picks the output
 * tensor as the ONNX backend does, then loads {@code config.engine()} or builds an FP16,
 * dynamic-batch engine from the ONNX file and caches it in {@code config.cacheDir()}. An engine
 * only runs on the GPU model and TensorRT version that built it: clear the cache after changing
 * either.
 */
public final class TensorRtProvider implements VisionEncoderProvider {
    private static final Logger LOG = LoggerFactory.getLogger(TensorRtProvider.class);

    @Override
    public EncoderBackend backend() {
        return EncoderBackend.TENSORRT;
    }

    @Override
    public VisionEncoder open(EncoderConfig config) {
        CudaAvailability.Probe probe = CudaAvailability.probe();
        if (!probe.available()) {
            throw new IllegalStateException(probe.reason(), probe.error());
        }
        try {
            // The same graph as the onnx backend runs, so their tokens compare one to one.
            TokenGraph graph = TokenGraph.of(config);
            byte[] plan = config.engine() != null ? Files.readAllBytes(config.engine()) : cachedEngine(graph, config);
            TensorRtSession session = TensorRtSession.load(plan, graph.output(), config.preprocess(), config.maxBatch());
            try {
                long[] shape = session.outputShapeAtMax();
                TokenLayout layout = graph.layoutFor(shape);
                String id = ("tensorrt-" + config.model().getFileName().toString().replaceFirst("\\.onnx$", "") + "-" + graph.tensor()
                                + (config.dropCls() ? "-nocls" : "")
                                + (config.poolKernel() > 1 ? "-pool" + config.poolKernel() : ""))
                        .replaceAll("[^A-Za-z0-9._-]", "_");
                return new TensorRtEncoder(session, new ImagePreprocessor(config.preprocess()),
                        new TokenExtractor(layout, config.dropCls(), config.poolKernel()), id, config.maxBatch());
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config.model(), e);
        }
    }

    /**
     * The engine built from {@code graph}, cached under the graph's key: a cache hit reads the
     * engine alone, not the model (hundreds of MB for a ViT) to hash it again.
     */
    private static byte[] cachedEngine(TokenGraph graph, EncoderConfig config) throws IOException {
        String name = graph.key() + "-fp16-b" + config.maxBatch();
        Path engine = config.cacheDir().resolve(name + ".engine");
        if (Files.isRegularFile(engine)) {
            return Files.readAllBytes(engine);
        }
        LOG.info("building a TensorRT engine from {} (FP16, batch 1..{}); this takes minutes once", graph.model(), config.maxBatch());
        byte[] plan = TensorRtSession.buildEngine(
                Files.readAllBytes(graph.model()), config.preprocess(), config.maxBatch(), config.maxBatch(), true);
        Files.createDirectories(config.cacheDir());
        Path temp = Files.createTempFile(config.cacheDir(), name, ".part");
        Files.write(temp, plan);
        Files.move(temp, engine, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("TensorRT engine cached in {}", engine);
        return plan;
    }
}
