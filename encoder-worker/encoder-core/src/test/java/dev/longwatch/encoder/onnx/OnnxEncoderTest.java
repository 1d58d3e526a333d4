package dev.longwatch.encoder.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.postprocess.TokenExtractor;
import dev.longwatch.encoder.postprocess.TokenLayout;
import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real MobileNetV2 (int8) from ../shared/data/models; skipped when the file is absent. */
class OnnxEncoderTest {
    static final Path MODEL = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/models/mobilenetv2-12-int8.onnx").toAbsolutePath().normalize();

    @TempDir
    static Path cache;

    private static OnnxEncoder encoder;

    @BeforeAll
    static void open() {
        assumeTrue(Files.isRegularFile(MODEL), "model weights not present: " + MODEL);
        encoder = OnnxEncoder.open(EncoderConfig.onnx(MODEL).withCacheDir(cache).withMaxBatch(4));
    }

    @AfterAll
    static void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    @Test
    void shouldExposeTheLastFeatureMapAs49TokensOf1280() {
        float[][] out = encoder.encode(List.of(scene(Color.ORANGE)));
        assertThat(encoder.outputName()).isEqualTo("627/channels_last");
        assertThat(encoder.id()).isEqualTo("onnx-mobilenetv2-12-int8-627");
        assertThat(encoder.tokens()).isEqualTo(49);
        assertThat(encoder.dim()).isEqualTo(1280);
        assertThat(out).hasNumberOfRows(1);
        assertThat(out[0]).hasSize(49 * 1280);
        assertThat(encoder.sessionModel()).startsWith(cache);
    }

    @Test
    void shouldGiveTheTokensOfTheNchwFeatureMapThroughTheChannelsLastOutput() throws Exception {
        // The reference: 627 as the model makes it, [1, 1280, 7, 7], transposed in Java.
        byte[] bytes = Files.readAllBytes(MODEL);
        Path nchwModel = OnnxModelCache.withTokenOutput(
                OnnxModelCache.modelKey(MODEL, bytes) + "-627-tokens", OnnxGraph.parse(bytes), "627", false, cache);
        BufferedImage frame = scene(Color.ORANGE);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = OnnxEncoder.sessionOptions();
                OrtSession session = env.createSession(nchwModel.toString(), options);
                OnnxTensor input = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(encoder.preprocessor().toNchw(frame)), new long[] {1, 3, 224, 224});
                OrtSession.Result result = session.run(Map.of("input", input))) {
            OnnxTensor nchw = (OnnxTensor) result.get(0);
            assertThat(nchw.getInfo().getShape()).containsExactly(1, 1280, 7, 7);
            float[] expected = new TokenExtractor(TokenLayout.NCHW, false, 1)
                    .tokens(nchw.getFloatBuffer(), nchw.getInfo().getShape(), 0);
            // the same int8 kernels and dequantisation, only the layout differs: equal values
            assertThat(encoder.encode(List.of(frame))[0]).containsExactly(expected);
        }
    }

    @Test
    void shouldEncodeABatchLikeSingleFramesAndSplitBatchesAboveTheLimit() {
        List<BufferedImage> frames = List.of(
                scene(Color.RED), scene(Color.GREEN), scene(Color.BLUE), scene(Color.YELLOW), scene(Color.CYAN));
        float[][] batched = encoder.encode(frames);
        assertThat(batched).hasNumberOfRows(5);
        for (int i = 0; i < frames.size(); i++) {
            float[] single = encoder.encode(List.of(frames.get(i)))[0];
            assertThat(maxAbsDifference(batched[i], single)).as("frame %d", i).isLessThan(1e-3f);
        }
        assertThat(maxAbsDifference(batched[0], batched[2])).isGreaterThan(0.1f);
    }

    @Test
    void shouldKeepFramesInOrderThroughAThreeChunkPipeline() {
        // 9 frames, at most 4 per run: chunks 4, 4, 1, so one helper task both extracts chunk 0
        // and preprocesses chunk 2 while the session runs chunk 1.
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.CYAN, Color.MAGENTA,
            Color.ORANGE, Color.PINK, Color.GRAY};
        List<BufferedImage> frames = java.util.Arrays.stream(colors).map(OnnxEncoderTest::scene).toList();
        float[][] batched = encoder.encode(frames);
        assertThat(batched).hasNumberOfRows(9);
        for (int i = 0; i < frames.size(); i++) {
            float[] single = encoder.encode(List.of(frames.get(i)))[0];
            assertThat(maxAbsDifference(batched[i], single)).as("frame %d", i).isLessThan(1e-3f);
        }
    }

    @Test
    void shouldPoolTheFeatureMapWhenAsked() {
        try (OnnxEncoder pooled = OnnxEncoder.open(EncoderConfig.onnx(MODEL).withCacheDir(cache).withPoolKernel(2))) {
            assertThat(pooled.tokens()).isEqualTo(16);
            assertThat(pooled.dim()).isEqualTo(1280);
            assertThat(pooled.id()).endsWith("-pool2");
        }
    }

    @Test
    void shouldRejectAnOutputThatHoldsNoPatchTokens() {
        // "output" is the model's own [N, 1000] logits: rank 2, no spatial grid
        assertThatThrownBy(() -> OnnxEncoder.open(EncoderConfig.onnx(MODEL).withCacheDir(cache).withOutputName("output")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no patch tokens");
    }

    @Test
    void shouldRejectAnUnknownTensorWithTheTensorsNearTheEnd() {
        assertThatThrownBy(() -> OnnxEncoder.open(EncoderConfig.onnx(MODEL).withCacheDir(cache).withOutputName("nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor named 'nope'")
                .hasMessageContaining("627");
    }

    @Test
    void shouldRejectPreprocessingThatDoesNotMatchTheModelInput() {
        assertThatThrownBy(() -> OnnxEncoder.open(
                        EncoderConfig.onnx(MODEL).withCacheDir(cache).withPreprocess(PreprocessSpec.clip(336))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[N, 3, 336, 336]");
    }

    static float maxAbsDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static BufferedImage scene(Color color) {
        BufferedImage image = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 320, 180);
        g.setColor(color.darker().darker());
        g.fillOval(120, 40, 90, 90);
        g.setColor(Color.WHITE);
        g.fillRect(30, 120, 60, 20);
        g.dispose();
        return image;
    }
}
