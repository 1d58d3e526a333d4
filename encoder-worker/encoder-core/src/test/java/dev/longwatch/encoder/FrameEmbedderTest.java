package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.proto.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameEmbedderTest {

    @Test
    void shouldIsolateAFrameTheEncoderRejectsAndEmbedTheRestInOrder() throws Exception {
        // The encoder fails any batch holding a frame 32 pixels wide; the batch of three is
        // retried frame by frame, so only that frame fails.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (FrameEmbedder embedder = new FrameEmbedder(new PickyEncoder(), 3, metrics)) {
            List<byte[]> values = new ArrayList<>();
            values.add(frame(0, 64, Color.RED));
            values.add(frame(1, 32, Color.GREEN));
            values.add(null); // a tombstone
            values.add(frame(3, 64, Color.BLUE));
            values.add(frame(4, 64, Color.WHITE));
            List<FrameEmbedder.Outcome> outcomes = embedder.embed(values);

            assertThat(outcomes).hasSize(5);
            assertThat(outcomes.get(1).failure()).hasMessage("frame too narrow");
            assertThat(outcomes.get(2)).isEqualTo(new FrameEmbedder.Outcome(null, null));
            for (int i : new int[] {0, 3, 4}) {
                assertThat(outcomes.get(i).failure()).isNull();
                assertThat(outcomes.get(i).embedding().getSeq()).isEqualTo(i);
                assertThat(outcomes.get(i).embedding().getEncoderId()).isEqualTo("picky");
            }
            // the red channel's mean, as PickyEncoder puts it in its single token, survives fp16
            assertThat(TokenCodec.decode(outcomes.get(0).embedding())[0]).isCloseTo(254f, org.assertj.core.data.Offset.offset(2f));
            assertThat(TokenCodec.decode(outcomes.get(3).embedding())[0]).isCloseTo(0f, org.assertj.core.data.Offset.offset(2f));
            assertThat(metrics.get("longwatch_encoder_frames").counter().count()).isEqualTo(3);
        }
    }

    private static byte[] frame(long seq, int width, Color color) throws Exception {
        BufferedImage image = new BufferedImage(width, 36, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, 36);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", jpeg);
        return Frame.newBuilder().setStreamId("cam").setSeq(seq).setJpeg(ByteString.copyFrom(jpeg.toByteArray()))
                .build().toByteArray();
    }

    /** One token of one value, the first pixel's red; refuses frames narrower than 64. */
    private static final class PickyEncoder implements VisionEncoder {
        @Override
        public String id() {
            return "picky";
        }

        @Override
        public int tokens() {
            return 1;
        }

        @Override
        public int dim() {
            return 1;
        }

        @Override
        public int preferredBatch() {
            return 3;
        }

        @Override
        public float[][] encode(List<BufferedImage> frames) {
            float[][] out = new float[frames.size()][];
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i).getWidth() < 64) {
                    throw new IllegalArgumentException("frame too narrow");
                }
                out[i] = new float[] {(frames.get(i).getRGB(0, 0) >> 16) & 0xff};
            }
            return out;
        }
    }
}
