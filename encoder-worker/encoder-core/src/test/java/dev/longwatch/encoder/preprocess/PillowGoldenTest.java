package dev.longwatch.encoder.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The presets against Pillow itself: {@code src/test/resources/golden/make_golden.py} ran the
 * reference recipes (torchvision's ImageNet eval, OpenAI CLIP's, SigLIP's) on a real frame and on
 * odd-sized noise with Debian's Pillow 9.4 and saved what they feed the model before scaling, as
 * 8-bit images. Pillow resamples in fixed point and rounds to 8 bits after each pass; this code
 * clamps after each pass as Pillow does but stays in float, so a pixel may differ by about one
 * level, and on average by a third of one (measured: at most 1.06, on average 0.26-0.32).
 */
class PillowGoldenTest {
    /** Pillow's two roundings, the first one through the vertical taps (their sum of |w| exceeds 1 for bicubic). */
    private static final double MAX_LEVELS = 1.25;
    /** A systematic offset (a shifted crop, a wrong kernel) moves the mean far more than this. */
    private static final double MEAN_LEVELS = 0.35;

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({
        "imagenet, frame", "clip, frame", "siglip, frame",
        "imagenet, noise", "clip, noise", "siglip, noise"
    })
    void shouldMatchPillowWithinAboutOneLevel(String preset, String image) throws IOException {
        PreprocessSpec spec = PreprocessSpec.byName(preset, 224);
        BufferedImage input = read(image + ".png");
        BufferedImage golden = read(image + "-" + preset + ".png");
        assertThat(golden.getWidth()).isEqualTo(spec.cropWidth());
        assertThat(golden.getHeight()).isEqualTo(spec.cropHeight());

        float[] nchw = new ImagePreprocessor(spec).toNchw(input);

        int plane = spec.cropWidth() * spec.cropHeight();
        float[] mean = spec.mean();
        float[] std = spec.std();
        double worst = 0;
        double sum = 0;
        for (int y = 0; y < spec.cropHeight(); y++) {
            for (int x = 0; x < spec.cropWidth(); x++) {
                int rgb = golden.getRGB(x, y);
                int[] expected = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    double levels = (nchw[c * plane + y * spec.cropWidth() + x] * std[c] + mean[c]) * 255.0;
                    double diff = Math.abs(levels - expected[c]);
                    worst = Math.max(worst, diff);
                    sum += diff;
                }
            }
        }
        assertThat(worst).as("largest difference in 8-bit levels").isLessThanOrEqualTo(MAX_LEVELS);
        assertThat(sum / (3.0 * plane)).as("mean difference in 8-bit levels").isLessThanOrEqualTo(MEAN_LEVELS);
    }

    private static BufferedImage read(String name) throws IOException {
        try (InputStream in = PillowGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("test resource golden/%s", name).isNotNull();
            return ImageIO.read(in);
        }
    }
}
