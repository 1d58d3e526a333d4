package dev.longwatch.encoder.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.encoder.EncoderBackend;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderFactory;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.encoder.onnx.OnnxEncoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend through the real ServiceLoader. Without CUDA (CI, this machine) it must fail
 * loudly when asked for and fall back, counted, under {@code auto}; with CUDA it must match the
 * ONNX CPU reference within 1%.
 */
class TensorRtBackendTest {
    private static final Path MODEL = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/models/mobilenetv2-12-int8.onnx").toAbsolutePath().normalize();

    @TempDir
    Path cache;

    @Test
    void shouldFailLoudlyWhenAskedForWithoutCuda() {
        assumeFalse(CudaAvailability.probe().available(), "CUDA is present here");
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.TENSORRT).withCacheDir(cache);
        assertThatThrownBy(() -> EncoderFactory.create(config, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CUDA/TensorRT libraries not loadable")
                .hasRootCauseInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void shouldFallBackToOnnxUnderAutoAndCountIt() {
        assumeFalse(CudaAvailability.probe().available(), "CUDA is present here");
        assumeTrue(Files.isRegularFile(MODEL), "model weights not present: " + MODEL);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EncoderConfig config = EncoderConfig.onnx(MODEL).withBackend(EncoderBackend.AUTO).withCacheDir(cache);
        try (VisionEncoder encoder = EncoderFactory.create(config, metrics)) {
            assertThat(encoder).isInstanceOf(OnnxEncoder.class);
        }
        assertThat(metrics.get("longwatch_encoder_fallbacks").tag("reason", "UnsatisfiedLinkError").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldMatchTheOnnxCpuReferenceWithinOnePercent() {
        CudaAvailability.Probe probe = CudaAvailability.probe();
        assumeTrue(probe.available(), "skipped, needs a CUDA GPU with TensorRT: " + probe.reason());
        assumeTrue(Files.isRegularFile(MODEL), "model weights not present: " + MODEL);
        List<BufferedImage> frames = List.of(scene(Color.RED), scene(Color.GREEN), scene(Color.BLUE));
        EncoderConfig config = EncoderConfig.onnx(MODEL).withCacheDir(cache).withMaxBatch(4);
        try (VisionEncoder gpu = EncoderFactory.create(config.withBackend(EncoderBackend.TENSORRT), new SimpleMeterRegistry());
                VisionEncoder cpu = OnnxEncoder.open(config)) {
            assertThat(gpu.tokens()).isEqualTo(cpu.tokens());
            assertThat(gpu.dim()).isEqualTo(cpu.dim());
            float[][] expected = cpu.encode(frames);
            float[][] actual = gpu.encode(frames);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(relativeError(actual[i], expected[i])).as("frame %d", i).isLessThanOrEqualTo(0.01);
            }
        }
    }

    /** ‖a − b‖ / ‖b‖ */
    private static double relativeError(float[] actual, float[] expected) {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
            norm += expected[i] * (double) expected[i];
        }
        return Math.sqrt(diff / Math.max(norm, 1e-30));
    }

    private static BufferedImage scene(Color color) {
        BufferedImage image = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 320, 180);
        g.setColor(Color.WHITE);
        g.fillOval(100, 40, 90, 90);
        g.dispose();
        return image;
    }
}
