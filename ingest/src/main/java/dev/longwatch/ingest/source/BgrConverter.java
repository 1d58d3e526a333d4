package dev.longwatch.ingest.source;

import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts a decoded FFmpeg picture (any pixel format, usually YUV 4:2:0) to a BGR {@link
 * BufferedImage} with swscale. It exists so that conversion happens only for frames the sampler
 * keeps: the grabber runs in RAW mode and hands out the decoder's picture unconverted.
 *
 * <p>Native state (the swscale context and one BGR buffer) is reused across frames and
 * reallocated only when the picture size or format changes; {@link #close()} frees it. The
 * returned image is reused too. One thread at a time.
 */
final class BgrConverter implements AutoCloseable {
    private SwsContext sws;
    private BytePointer bgr;
    private PointerPointer<?> dstPlanes;
    private IntPointer dstStrides;
    private BufferedImage image;
    private int width = -1;
    private int height = -1;

    /** The picture as BGR at its own size; valid until the next call. */
    BufferedImage convert(AVFrame picture) {
        return convert(picture, Integer.MAX_VALUE);
    }

    /**
     * The picture as BGR, scaled down (aspect kept) when wider than {@code maxWidth}; valid until
     * the next call. Scaling here, in the same swscale pass as the colour conversion, costs far
     * less than converting at full size and scaling in Java2D afterwards.
     */
    BufferedImage convert(AVFrame picture, int maxWidth) {
        int w = picture.width();
        int h = picture.height();
        if (w <= 0 || h <= 0) {
            throw new IllegalStateException("decoded picture has no size: " + w + "x" + h);
        }
        if (maxWidth <= 0) {
            throw new IllegalArgumentException("maxWidth must be > 0: " + maxWidth);
        }
        int outW = Math.min(w, maxWidth);
        // Rounded as JpegEncoder does, so it finds nothing left to scale.
        int outH = outW == w ? h : Math.max(1, Math.round(h * (float) outW / w));
        if (outW != width || outH != height) {
            allocate(outW, outH);
        }
        // Cached: returns the same context while sizes and formats stay the same.
        sws =
                sws_getCachedContext(
                        sws, w, h, picture.format(), outW, outH, avutil.AV_PIX_FMT_BGR24,
                        SWS_BILINEAR, null, null, (DoublePointer) null);
        if (sws == null) {
            throw new IllegalStateException(
                    "sws_getCachedContext failed for pixel format " + picture.format() + " " + w + "x" + h);
        }
        int rows = sws_scale(sws, picture.data(), picture.linesize(), 0, h, dstPlanes, dstStrides);
        if (rows != outH) {
            throw new IllegalStateException("sws_scale wrote " + rows + " of " + outH + " rows");
        }
        bgr.position(0).get(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
        return image;
    }

    private void allocate(int w, int h) {
        freeBuffers();
        // TYPE_3BYTE_BGR stores rows as B,G,R bytes without padding, the same as BGR24 with a
        // stride of 3 * width, so one bulk copy fills it.
        image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        bgr = new BytePointer((long) w * h * 3);
        dstPlanes = new PointerPointer<BytePointer>(1).put(0, bgr);
        dstStrides = new IntPointer(1).put(0, w * 3);
        width = w;
        height = h;
    }

    private void freeBuffers() {
        if (bgr != null) {
            bgr.close();
            dstPlanes.close();
            dstStrides.close();
            bgr = null;
        }
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        freeBuffers();
        image = null;
    }
}
