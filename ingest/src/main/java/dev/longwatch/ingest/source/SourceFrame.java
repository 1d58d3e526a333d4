package dev.longwatch.ingest.source;

import java.awt.image.BufferedImage;

/**
 * One decoded frame. Valid only until the next {@link FrameSource#next()} call: decoders reuse
 * their buffers, so callers encode or copy what they keep before asking for the next frame.
 */
public interface SourceFrame {
    /** Presentation time from the media, in ms from the source's first frame. */
    long ptsMs();

    int width();

    int height();

    /**
     * The pixels. Conversion costs more than decoding, so sources do it here, only for the
     * frames the sampler keeps. The image may be reused by the next call.
     */
    BufferedImage toImage();

    /**
     * The pixels scaled down, aspect kept, to at most {@code maxWidth} (height rounded to the
     * nearest pixel). Sources that can scale while converting override this; the default returns
     * {@link #toImage()} and leaves scaling to the caller.
     */
    default BufferedImage toImage(int maxWidth) {
        return toImage();
    }
}
