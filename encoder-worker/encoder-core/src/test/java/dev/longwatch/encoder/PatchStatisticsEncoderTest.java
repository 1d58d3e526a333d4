package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatchStatisticsEncoderTest {
    private final PatchStatisticsEncoder encoder = new PatchStatisticsEncoder(8);

    @Test
    void shouldEmitOneRowPerPatch() {
        float[][] out = encoder.encode(List.of(scene(Color.RED, 1), scene(Color.BLUE, 2)));
        assertThat(encoder.tokens()).isEqualTo(64);
        assertThat(encoder.dim()).isEqualTo(52);
        assertThat(out).hasNumberOfRows(2);
        assertThat(out[0]).hasSize(64 * 52);
    }

    @Test
    void shouldBeDeterministic() {
        BufferedImage image = scene(Color.GREEN, 3);
        assertThat(encoder.encode(List.of(image))[0]).containsExactly(encoder.encode(List.of(image))[0]);
    }

    @Test
    void shouldDescribeAFlatColourExactly() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(255, 0, 0));
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        float[] token = encoder.encode(List.of(image))[0];
        // First sub-cell of the first patch: R at +1, G and B at -1; no texture, no edges.
        assertThat(token[0]).isEqualTo(1f);
        assertThat(token[1]).isEqualTo(-1f);
        assertThat(token[2]).isEqualTo(-1f);
        assertThat(token[48]).isZero();
        assertThat(token[51]).isZero();
    }

    @Test
    void shouldPlaceTwoFramesOfOneSceneCloserThanFramesOfDifferentScenes() {
        BufferedImage a1 = scene(new Color(200, 60, 40), 10);
        BufferedImage a2 = scene(new Color(205, 62, 45), 11);
        BufferedImage b = scene(new Color(30, 90, 200), 12);
        float[][] out = encoder.encode(List.of(a1, a2, b));
        assertThat(meanTokenCosine(out[0], out[1])).isGreaterThan(meanTokenCosine(out[0], out[2]) + 0.3);
    }

    @Test
    void shouldRejectFramesSmallerThanTheGrid() {
        assertThatThrownBy(() -> encoder.encode(List.of(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smaller than the 32 px grid");
    }

    private double meanTokenCosine(float[] a, float[] b) {
        int dim = encoder.dim();
        double sum = 0;
        for (int t = 0; t < encoder.tokens(); t++) {
            double dot = 0, na = 0, nb = 0;
            for (int i = t * dim; i < (t + 1) * dim; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            sum += dot / Math.max(Math.sqrt(na * nb), 1e-8);
        }
        return sum / encoder.tokens();
    }

    /** A background colour with a few noisy shapes, as a camera would see one scene. */
    private static BufferedImage scene(Color background, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, 320, 240);
        g.setColor(background.darker());
        g.fillOval(100 + random.nextInt(10), 60 + random.nextInt(10), 80, 80);
        g.dispose();
        for (int i = 0; i < 2000; i++) {
            int x = random.nextInt(320), y = random.nextInt(240);
            int rgb = image.getRGB(x, y);
            image.setRGB(x, y, rgb ^ random.nextInt(8));
        }
        return image;
    }
}
