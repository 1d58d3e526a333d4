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
 */
public record SourceOptions(
        Duration networkTimeout, Duration stallTimeout, String rtspTransport, boolean keyframesOnly) {

    public SourceOptions {
        Objects.requireNonNull(networkTimeout, "networkTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (!"tcp".equals(rtspTransport) && !"udp".equals(rtspTransport)) {
            throw new IllegalArgumentException("rtspTransport must be tcp or udp: " + rtspTransport);
        }
    }

    /** 10 s timeouts, RTSP over TCP, every frame decoded. */
    public static SourceOptions defaults() {
        return new SourceOptions(Duration.ofSeconds(10), Duration.ofSeconds(10), "tcp", false);
    }

    public SourceOptions withKeyframesOnly(boolean keyframes) {
        return new SourceOptions(networkTimeout, stallTimeout, rtspTransport, keyframes);
    }

    public SourceOptions withRtspTransport(String transport) {
        return new SourceOptions(networkTimeout, stallTimeout, transport, keyframesOnly);
    }

    public SourceOptions withStallTimeout(Duration stall) {
        return new SourceOptions(networkTimeout, stall, rtspTransport, keyframesOnly);
    }
}
