package dev.longwatch.encoder;

import dev.longwatch.schema.proto.Frame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * JPEG bytes of a {@link Frame} to pixels (3-byte BGR, the layout preprocessing reads in place).
 * Safe to call from many threads: each keeps its own JPEG reader, since looking one up through
 * the {@code ImageIO} registry for every frame, as {@code ImageIO.read} does, cost about a
 * quarter of the decode.
 */
final class FrameDecoder {
    private static final ThreadLocal<ImageReader> READER = new ThreadLocal<>();

    /** The largest JPEG decoded (ingest writes at most 640 px wide; 8K UHD leaves ample room). */
    static final long MAX_PIXELS = 7680L * 4320L;

    private FrameDecoder() {}

    /** @throws IllegalArgumentException when the bytes are not a readable JPEG image */
    static BufferedImage decode(Frame frame) {
        ImageReader reader = reader();
        try (ImageInputStream in = new MemoryCacheImageInputStream(frame.getJpeg().newInput())) {
            reader.setInput(in, true, true);
            // The size comes from the JPEG's header; refuse a huge one before the reader allocates
            // it (26000 x 26000 is a 2 GB image from a few hundred bytes on lw.frames).
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels > MAX_PIXELS) {
                throw new IllegalArgumentException(reader.getWidth(0) + "x" + reader.getHeight(0)
                        + " is larger than the limit of " + MAX_PIXELS + " pixels");
            }
            BufferedImage image = reader.read(0);
            reader.setInput(null);
            return image;
        } catch (IOException | RuntimeException e) {
            // A reader that failed half-way is not trusted with the next frame.
            READER.remove();
            reader.dispose();
            throw new IllegalArgumentException("frame " + frame.getSeq() + " of " + frame.getStreamId()
                    + " is not a readable JPEG image: " + e.getMessage(), e);
        }
    }

    private static ImageReader reader() {
        ImageReader reader = READER.get();
        if (reader == null) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            if (!readers.hasNext()) {
                throw new IllegalStateException("this JDK has no ImageIO JPEG reader");
            }
            reader = readers.next();
            READER.set(reader);
        }
        return reader;
    }
}
