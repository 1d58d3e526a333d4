package dev.longwatch.ingest.source;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FfmpegFrameSource} opens and reads a source.
 *
 * @param networkTimeout connect/read timeout for HTTP(S) sources
 * @param stallTimeout a live RTSP source that sends nothing for this long fails (so it can be
 *     reconnected); also bounds the RTSP handshake
 * @param rtspTransport {@code tcp} or {@code udp}
 * @param keyframesOnly decode only keyframes (files: a fast, coarser mode; the sampler then keeps
 *     the first keyframe at or after each sampling boundary)
 * @param maxPixels the largest picture (width × height) a source may declare or decode; default
 *     {@value #DEFAULT_MAX_PIXELS} (8K UHD, 7680 × 4320). Larger ones fail with {@code TOO_LARGE}
 *     before they are decoded where the size is declared, and at the decoder (FFmpeg's {@code
 *     max_pixels}) where it is not.
 */
public record SourceOptions(
        Duration networkTimeout,
        Duration stallTimeout,
        String rtspTransport,
        boolean keyframesOnly,
        long maxPixels) {

    public static final long DEFAULT_MAX_PIXELS = 7680L * 4320L;

    public SourceOptions {
        Objects.requireNonNull(networkTimeout, "networkTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (!"tcp".equals(rtspTransport) && !"udp".equals(rtspTransport)) {
            throw new IllegalArgumentException("rtspTransport must be tcp or udp: " + rtspTransport);
        }
        if (maxPixels < 1 || maxPixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxPixels must be in [1, " + Integer.MAX_VALUE + "]: " + maxPixels);
        }
    }

    public SourceOptions(Duration networkTimeout, Duration stallTimeout, String rtspTransport, boolean keyframesOnly) {
        this(networkTimeout, stallTimeout, rtspTransport, keyframesOnly, DEFAULT_MAX_PIXELS);
    }

    /** 10 s timeouts, RTSP over TCP, every frame decoded, the 8K pixel limit. */
    public static SourceOptions defaults() {
        return new SourceOptions(Duration.ofSeconds(10), Duration.ofSeconds(10), "tcp", false);
    }

    public SourceOptions withKeyframesOnly(boolean keyframes) {
        return new SourceOptions(networkTimeout, stallTimeout, rtspTransport, keyframes, maxPixels);
    }

    public SourceOptions withRtspTransport(String transport) {
        return new SourceOptions(networkTimeout, stallTimeout, transport, keyframesOnly, maxPixels);
    }

    public SourceOptions withStallTimeout(Duration stall) {
        return new SourceOptions(networkTimeout, stall, rtspTransport, keyframesOnly, maxPixels);
    }

    public SourceOptions withMaxPixels(long pixels) {
        return new SourceOptions(networkTimeout, stallTimeout, rtspTransport, keyframesOnly, pixels);
    }
}
