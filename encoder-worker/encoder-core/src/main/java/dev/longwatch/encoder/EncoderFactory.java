package dev.longwatch.encoder;

import dev.longwatch.encoder.onnx.OnnxEncoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns an {@link EncoderConfig} into a {@link VisionEncoder}. The backend is
 * explicit; only {@link EncoderBackend#AUTO} falls back (TensorRT, then ONNX Runtime), and every
 * fallback is logged at WARN and counted in {@code longwatch_encoder_fallbacks_total{from,to,reason}},
 * because a silent GPU-to-CPU drop is an outage, not a detail.
 */
public final class EncoderFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderFactory.class);
    static final String FALLBACK_METER = "longwatch_encoder_fallbacks";

    private final List<VisionEncoderProvider> providers;

    EncoderFactory(List<VisionEncoderProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /**
     * Builds the configured encoder. {@code builtin}: {@link PatchStatisticsEncoder};
     * {@code onnx}: {@link OnnxEncoder}; {@code tensorrt}: the provider in
     * {@code longwatch-encoder-tensorrt} (an error if that module is not on the classpath);
     * {@code auto}: tensorrt, else onnx.
     *
     * @throws IllegalArgumentException for bad configuration (missing model, unknown tensor)
     * @throws IllegalStateException when the backend cannot start
     */
    public static VisionEncoder create(EncoderConfig config, MeterRegistry metrics) {
        List<VisionEncoderProvider> providers = ServiceLoader.load(
                        VisionEncoderProvider.class, EncoderFactory.class.getClassLoader())
                .stream()
                .map(ServiceLoader.Provider::get)
                .toList();
        return new EncoderFactory(providers).open(config, metrics);
    }

    VisionEncoder open(EncoderConfig config, MeterRegistry metrics) {
        VisionEncoder encoder = switch (config.backend()) {
            case BUILTIN -> new PatchStatisticsEncoder(config.grid());
            case ONNX -> OnnxEncoder.open(config);
            case TENSORRT -> tensorRt(config);
            case AUTO -> withFallback(() -> tensorRt(config), () -> OnnxEncoder.open(config), metrics);
        };
        LOG.info("encoder backend {} -> {} ({} tokens x {})", config.backend(), encoder.id(), encoder.tokens(), encoder.dim());
        return encoder;
    }

    private VisionEncoder tensorRt(EncoderConfig config) {
        VisionEncoderProvider provider = provider(EncoderBackend.TENSORRT).orElseThrow(() -> new IllegalStateException(
                "the tensorrt backend is not on the classpath: add dev.longwatch:longwatch-encoder-tensorrt"));
        try {
            return provider.open(config);
        } catch (LinkageError e) {
            // JavaCPP reports missing CUDA/TensorRT libraries as UnsatisfiedLinkError (no jnicudart).
            throw new IllegalStateException("TensorRT native libraries are missing: " + e.getMessage(), e);
        }
    }

    private static VisionEncoder withFallback(
            Supplier<VisionEncoder> preferred, Supplier<VisionEncoder> fallback, MeterRegistry metrics) {
        try {
            return preferred.get();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof LinkageError ? e.getCause() : e;
            Counter.builder(FALLBACK_METER)
                    .description("Encoder backends that could not start and were replaced by the next one")
                    .tag("from", "tensorrt")
                    .tag("to", "onnx")
                    .tag("reason", cause.getClass().getSimpleName())
                    .register(metrics)
                    .increment();
            LOG.warn("encoder backend tensorrt unavailable, falling back to onnx: {}", e.getMessage());
            LOG.debug("tensorrt failure", e);
            return fallback.get();
        }
    }

    private Optional<VisionEncoderProvider> provider(EncoderBackend backend) {
        return providers.stream()
                .filter(p -> p.backend() == backend)
                .findFirst();
    }
}
