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
        // The built-in encoder with a 9 x 9 grid refuses frames under 36 px, so it fails the
        // batch of three holding the 32 px frame; the batch is retried frame by frame, so only
        // that frame fails.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (FrameEmbedder embedder = new FrameEmbedder(new PatchStatisticsEncoder(9), 3, metrics)) {
            List<byte[]> values = new ArrayList<>();
            values.add(frame(0, 64, Color.RED));
            values.add(frame(1, 32, Color.GREEN));
            values.add(null); // a tombstone
            values.add(frame(3, 64, Color.BLUE));
            values.add(frame(4, 64, Color.WHITE));
            List<FrameEmbedder.Outcome> outcomes = embedder.embed(values);

            assertThat(outcomes).hasSize(5);
            assertThat(outcomes.get(1).failure()).hasMessageContaining("smaller than the 36 px grid");
            assertThat(outcomes.get(2)).isEqualTo(new FrameEmbedder.Outcome(null, null));
            for (int i : new int[] {0, 3, 4}) {
                assertThat(outcomes.get(i).failure()).isNull();
                assertThat(outcomes.get(i).embedding().getSeq()).isEqualTo(i);
                assertThat(outcomes.get(i).embedding().getEncoderId()).isEqualTo("builtin-patchstats-g9");
            }
            // the first value is the first cell's mean red, scaled to [-1, 1]: it survives fp16
            assertThat(TokenCodec.decode(outcomes.get(0).embedding())[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(0.02f));
            assertThat(TokenCodec.decode(outcomes.get(3).embedding())[0]).isCloseTo(-1f, org.assertj.core.data.Offset.offset(0.02f));
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
}
