package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.proto.Frame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    @Test
    void shouldDecodeToThreeByteBgrAsImageIoDoes() throws Exception {
        byte[] jpeg = jpeg(Color.ORANGE);
        BufferedImage decoded = FrameDecoder.decode(frame(1, jpeg));
        BufferedImage reference = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(decoded.getWidth()).isEqualTo(96);
        assertThat(decoded.getHeight()).isEqualTo(54);
        assertThat(decoded.getRGB(0, 0, 96, 54, null, 0, 96)).isEqualTo(reference.getRGB(0, 0, 96, 54, null, 0, 96));
    }

    @Test
    void shouldNameTheFrameOfACorruptJpegAndDecodeTheNextOneOnTheSameThread() throws Exception {
        byte[] good = jpeg(Color.BLUE);
        byte[] corrupt = Arrays.copyOf(good, 40); // the header only
        corrupt[2] = 0x00; // and no longer a JPEG marker
        assertThatThrownBy(() -> FrameDecoder.decode(frame(7, corrupt)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame 7 of cam-1 is not a readable JPEG image");
        assertThatThrownBy(() -> FrameDecoder.decode(frame(8, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frame 8 of cam-1");
        // and the next frame on the same thread decodes (its reader was dropped and replaced)
        assertThat(FrameDecoder.decode(frame(9, good)).getRGB(48, 27) & 0xffffff).isNotZero();
    }

    private static Frame frame(long seq, byte[] jpeg) {
        return Frame.newBuilder().setStreamId("cam-1").setSeq(seq).setJpeg(ByteString.copyFrom(jpeg)).build();
    }

    private static byte[] jpeg(Color color) throws Exception {
        BufferedImage image = new BufferedImage(96, 54, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 96, 54);
        g.setColor(Color.WHITE);
        g.fillOval(30, 10, 30, 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
