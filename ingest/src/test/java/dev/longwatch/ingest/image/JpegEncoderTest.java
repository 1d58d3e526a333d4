package dev.longwatch.ingest.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {

    private static BufferedImage picture(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 30, 30));
        g.fillRect(0, 0, w / 2, h);
        g.setColor(new Color(30, 50, 190));
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return img;
    }

    private static BufferedImage decode(EncodedJpeg jpeg) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(jpeg.bytes()));
    }

    @Test
    void shouldCapTheWidthAndKeepTheAspectRatio() throws Exception {
        EncodedJpeg jpeg = new JpegEncoder(640, 0.85f).encode(picture(1920, 1080, BufferedImage.TYPE_3BYTE_BGR));

        BufferedImage back = decode(jpeg);
        assertThat(back.getWidth()).isEqualTo(640).isEqualTo(jpeg.width());
        assertThat(back.getHeight()).isEqualTo(360).isEqualTo(jpeg.height());
        // Colours survive: left half red, right half blue.
        Color left = new Color(back.getRGB(100, 180));
        Color right = new Color(back.getRGB(540, 180));
        assertThat(left.getRed()).isGreaterThan(150);
        assertThat(left.getBlue()).isLessThan(80);
        assertThat(right.getBlue()).isGreaterThan(150);
        assertThat(right.getRed()).isLessThan(80);
    }

    @Test
    void shouldNotUpscaleSmallPictures() throws Exception {
        EncodedJpeg jpeg = new JpegEncoder().encode(picture(320, 240, BufferedImage.TYPE_3BYTE_BGR));
        assertThat(decode(jpeg).getWidth()).isEqualTo(320);
        assertThat(jpeg.height()).isEqualTo(240);
    }

    @Test
    void shouldEncodePicturesWithAlpha() throws Exception {
        EncodedJpeg jpeg = new JpegEncoder().encode(picture(100, 50, BufferedImage.TYPE_INT_ARGB));
        BufferedImage back = decode(jpeg);
        assertThat(back.getWidth()).isEqualTo(100);
        assertThat(new Color(back.getRGB(20, 25)).getRed()).isGreaterThan(150);
    }

    @Test
    void shouldHonourTheQuality() {
        BufferedImage noisy = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                noisy.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        int low = new JpegEncoder(640, 0.3f).encode(noisy).bytes().length;
        int high = new JpegEncoder(640, 0.95f).encode(noisy).bytes().length;
        assertThat(high).isGreaterThan(low * 2);
    }

    @Test
    void shouldRejectInvalidSettings() {
        assertThatThrownBy(() -> new JpegEncoder(0, 0.8f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JpegEncoder(640, 0f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JpegEncoder(640, 1.5f)).isInstanceOf(IllegalArgumentException.class);
    }
}
