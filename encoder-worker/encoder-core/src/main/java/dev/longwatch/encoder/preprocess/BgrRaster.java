package dev.longwatch.encoder.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** In-place access to the pixels of 3-byte BGR images, the layout ImageIO and JavaCV decode into. */
final class BgrRaster {
    private BgrRaster() {}

    /**
     * The raster bytes (B, G, R per pixel, rows packed) of a 3-byte BGR image that owns its whole
     * buffer; {@code null} for any other image, which is then read through {@code getRGB}.
     */
    static byte[] bytes(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR
                || image.getRaster().getParent() != null
                || image.getRaster().getSampleModelTranslateX() != 0
                || image.getRaster().getSampleModelTranslateY() != 0) {
            return null;
        }
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        return data.length == image.getWidth() * image.getHeight() * 3 ? data : null;
    }
}
