package dev.longwatch.encoder.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.encoder.EncoderConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real MobileNetV2 feature map on real footage: frames of one clip are closer to each other
 * (mean token cosine) than to frames of other clips. Skipped without the model or the clips.
 */
class OnnxEncoderRealFootageITCase {
    private static final Path VIDEO = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video").toAbsolutePath().normalize();
    private static final List<String> CLIPS = List.of(
            "videollama-boat.mp4", "videollama-dog_barking.mp4", "videollama-skateboarding_dog.mp4");
    private static final int FRAMES_PER_CLIP = 4;
    // Measured here: within 0.56-0.83, across 0.27-0.30; a margin keeps "closer" meaningful.
    private static final double MARGIN = 0.15;

    @TempDir
    Path cache;

    @Test
    void shouldPlaceFramesOfOneClipCloserToEachOtherThanToFramesOfAnotherClip() throws Exception {
        assumeTrue(Files.isRegularFile(OnnxEncoderTest.MODEL), "model weights not present");
        List<List<float[]>> embeddings = new ArrayList<>();
        try (OnnxEncoder encoder = OnnxEncoder.open(EncoderConfig.onnx(OnnxEncoderTest.MODEL).withCacheDir(cache))) {
            for (String clip : CLIPS) {
                Path file = VIDEO.resolve(clip);
                assumeTrue(Files.isRegularFile(file), "clip not present: " + file);
                List<BufferedImage> frames = ClipFrames.sample(file, 1000, FRAMES_PER_CLIP);
                assertThat(frames).as(clip).hasSize(FRAMES_PER_CLIP);
                embeddings.add(List.of(encoder.encode(frames)));
            }
            int tokens = encoder.tokens();
            int dim = encoder.dim();
            for (int a = 0; a < CLIPS.size(); a++) {
                double within = meanSimilarity(embeddings.get(a), embeddings.get(a), tokens, dim);
                for (int b = 0; b < CLIPS.size(); b++) {
                    if (a == b) {
                        continue;
                    }
                    double across = meanSimilarity(embeddings.get(a), embeddings.get(b), tokens, dim);
                    assertThat(within)
                            .as("mean token cosine within %s vs. across to %s", CLIPS.get(a), CLIPS.get(b))
                            .isGreaterThan(across + MARGIN);
                }
            }
        }
    }

    /** Mean over all frame pairs (distinct frames when both lists are the same clip). */
    private static double meanSimilarity(List<float[]> a, List<float[]> b, int tokens, int dim) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                if (a == b && i == j) {
                    continue;
                }
                sum += ClipFrames.meanTokenCosine(a.get(i), b.get(j), tokens, dim);
                pairs++;
            }
        }
        return sum / pairs;
    }
}
