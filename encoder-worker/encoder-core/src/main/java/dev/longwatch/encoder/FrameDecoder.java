package dev.longwatch.encoder;

import dev.longwatch.schema.proto.Frame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** JPEG bytes of a {@link Frame} to pixels. */
final class FrameDecoder {
    private FrameDecoder() {}

    /** @throws IllegalArgumentException when the bytes are not a readable image */
    static BufferedImage decode(Frame frame) {
        try {
            BufferedImage image =
                    ImageIO.read(new ByteArrayInputStream(frame.getJpeg().toByteArray()));
            if (image == null) {
                throw new IllegalArgumentException(
                        "frame " + frame.getSeq() + " of " + frame.getStreamId() + " is not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot decode frame " + frame.getSeq() + " of " + frame.getStreamId(), e);
        }
    }
}
