package dev.longwatch.ingest.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Encodes pictures as JPEG with an explicit quality, downscaling (aspect kept) to a maximum width
 * first. Thread-safe: every call uses its own ImageIO writer.
 */
public final class JpegEncoder {
    public static final int DEFAULT_MAX_WIDTH = 640;
    public static final float DEFAULT_QUALITY = 0.85f;

    private final int maxWidth;
    private final float quality;

    /**
     * @param maxWidth wider pictures are scaled down to this width, &gt; 0
     * @param quality JPEG quality in (0, 1]
     */
    public JpegEncoder(int maxWidth, float quality) {
        if (maxWidth <= 0) {
            throw new IllegalArgumentException("maxWidth must be > 0, got " + maxWidth);
        }
        if (!(quality > 0 && quality <= 1)) {
            throw new IllegalArgumentException("quality must be in (0, 1], got " + quality);
        }
        this.maxWidth = maxWidth;
        this.quality = quality;
    }

    public JpegEncoder() {
        this(DEFAULT_MAX_WIDTH, DEFAULT_QUALITY);
    }

    public EncodedJpeg encode(BufferedImage image) {
        BufferedImage ready = opaqueRgb(scaled(image));
        ImageWriter writer = jpegWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream(ready.getWidth() * ready.getHeight() / 4);
        // Memory-cached stream: ImageIO's default may spill to a temp file per call.
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(ready, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return new EncodedJpeg(out.toByteArray(), ready.getWidth(), ready.getHeight());
    }

    /** Encodes a JavaCV frame (converted through Java2D; a fresh converter per call). */
    public EncodedJpeg encode(Frame frame) {
        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            return encode(converter.getBufferedImage(frame));
        }
    }

    public int maxWidth() {
        return maxWidth;
    }

    public float quality() {
        return quality;
    }

    private BufferedImage scaled(BufferedImage image) {
        if (image.getWidth() <= maxWidth) {
            return image;
        }
        int height = Math.max(1, Math.round(image.getHeight() * (float) maxWidth / image.getWidth()));
        BufferedImage target = new BufferedImage(maxWidth, height, BufferedImage.TYPE_3BYTE_BGR);
        draw(image, target);
        return target;
    }

    /** The JPEG writer mis-handles alpha and exotic layouts: redraw those onto opaque BGR. */
    private static BufferedImage opaqueRgb(BufferedImage image) {
        int type = image.getType();
        if (type == BufferedImage.TYPE_3BYTE_BGR
                || type == BufferedImage.TYPE_INT_RGB
                || type == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        BufferedImage target =
                new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        draw(image, target);
        return target;
    }

    private static void draw(BufferedImage source, BufferedImage target) {
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, target.getWidth(), target.getHeight(), null);
        } finally {
            g.dispose();
        }
    }

    private static ImageWriter jpegWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JRE has no ImageIO JPEG writer");
        }
        return writers.next();
    }
}
