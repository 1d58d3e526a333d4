package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderFactoryTest {
    private static final Path MODEL = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/models/mobilenetv2-12-int8.onnx").toAbsolutePath().normalize();

    @TempDir
    Path cache;

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @Test
    void shouldBuildTheBuiltinEncoderWithoutAnyModel() {
        try (VisionEncoder encoder = EncoderFactory.create(EncoderConfig.builtin(4), metrics)) {
            assertThat(encoder).isInstanceOf(PatchStatisticsEncoder.class);
            assertThat(encoder.tokens()).isEqualTo(16);
        }
    }

    @Test
    void shouldFailLoudlyWhenTensorRtIsAskedForButNotOnTheClasspath() {
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.TENSORRT);
        assertThatThrownBy(() -> new EncoderFactory(List.of()).open(config, metrics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("longwatch-encoder-tensorrt");
    }

    @Test
    void shouldMapMissingNativeLibrariesToAClearError() {
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.TENSORRT);
        assertThatThrownBy(() -> new EncoderFactory(List.of(new NoCudaProvider())).open(config, metrics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("native libraries are missing: no jnicudart");
        assertThat(metrics.find(EncoderFactory.FALLBACK_METER).counter()).isNull();
    }

    @Test
    void shouldFallBackFromTensorRtToOnnxAndCountIt() {
        assumeTrue(Files.isRegularFile(MODEL), "model weights not present: " + MODEL);
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.AUTO).withCacheDir(cache);
        try (VisionEncoder encoder = new EncoderFactory(List.of(new NoCudaProvider())).open(config, metrics)) {
            assertThat(encoder.id()).startsWith("onnx-mobilenetv2-12-int8");
        }
        assertThat(metrics.get(EncoderFactory.FALLBACK_METER)
                        .tag("from", "tensorrt")
                        .tag("to", "onnx")
                        .tag("reason", "UnsatisfiedLinkError")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldPreferTensorRtInAutoModeWhenItStarts() {
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.AUTO);
        VisionEncoder gpu = new PatchStatisticsEncoder(2);
        VisionEncoderProvider working = new VisionEncoderProvider() {
            @Override
            public EncoderBackend backend() {
                return EncoderBackend.TENSORRT;
            }

            @Override
            public VisionEncoder open(EncoderConfig ignored) {
                return gpu;
            }
        };
        assertThat(new EncoderFactory(List.of(working)).open(config, metrics)).isSameAs(gpu);
        assertThat(metrics.find(EncoderFactory.FALLBACK_METER).counter()).isNull();
    }

    @Test
    void shouldReadTheBackendFromTheEnvironment() {
        assertThat(EncoderConfig.fromEnvironment(java.util.Map.of()).backend()).isEqualTo(EncoderBackend.BUILTIN);
        EncoderConfig onnx = EncoderConfig.fromEnvironment(java.util.Map.of(
                "LONGWATCH_ENCODER_MODEL", "/m.onnx", "LONGWATCH_ENCODER_POOL", "2"));
        assertThat(onnx.backend()).isEqualTo(EncoderBackend.ONNX);
        assertThat(onnx.poolKernel()).isEqualTo(2);
        assertThatThrownBy(() -> EncoderConfig.fromEnvironment(java.util.Map.of("LONGWATCH_ENCODER_BACKEND", "onnx")))
                .hasMessageContaining("LONGWATCH_ENCODER_BACKEND=onnx needs LONGWATCH_ENCODER_MODEL");
        assertThatThrownBy(() -> EncoderBackend.parse("gpu")).hasMessageContaining("expected builtin, onnx");
        assertThatThrownBy(() -> EncoderConfig.builtin(8).withBackend(EncoderBackend.ONNX))
                .hasMessageContaining("needs a model file");
    }

    /** What the TensorRT provider does on a machine without CUDA. */
    private static final class NoCudaProvider implements VisionEncoderProvider {
        @Override
        public EncoderBackend backend() {
            return EncoderBackend.TENSORRT;
        }

        @Override
        public VisionEncoder open(EncoderConfig config) {
            throw new UnsatisfiedLinkError("no jnicudart in java.library.path");
        }
    }

}
