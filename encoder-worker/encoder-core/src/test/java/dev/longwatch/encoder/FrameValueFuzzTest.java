package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;

/**
 * {@code lw.frames} values through the encoder worker's own decode path ({@link
 * FrameEmbedder#decode}: protobuf, then the JPEG): a picture within the frame limit, or a
 * RuntimeException the worker dead-letters; never an Error (an out-of-memory on a JPEG that
 * declares a huge size would take the worker down). Seeds in {@code FrameValueFuzzTestInputs}.
 */
class FrameValueFuzzTest {
    /**
     * Found while writing this fuzz test's seeds: ImageIO allocates the picture a JPEG header declares
     * before it reads any data, so a few hundred bytes declaring 26000 x 26000 cost 2 GB (a few at once,
     * an out-of-memory). Now refused from the header.
     */
    @org.junit.jupiter.api.Test
    void shouldRefuseAJpegThatDeclaresAHugePictureBeforeDecodingIt() throws Exception {
        byte[] value = getClass().getResourceAsStream("FrameValueFuzzTestInputs/decode/frame-huge-sof").readAllBytes();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrameEmbedder.decode(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("26000x26000 is larger than the limit");
    }

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] value) {
        BufferedImage image;
        try {
            image = FrameEmbedder.decode(value);
        } catch (RuntimeException e) {
            assertThat(e.getMessage()).isNotNull();
            return;
        }
        if (image != null) {
            assertThat((long) image.getWidth() * image.getHeight()).isLessThanOrEqualTo(FrameDecoder.MAX_PIXELS);
        }
    }
}
