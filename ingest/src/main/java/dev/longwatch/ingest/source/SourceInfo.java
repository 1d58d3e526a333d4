package dev.longwatch.ingest.source;

import java.util.OptionalLong;

/**
 * What is known about an open source.
 *
 * @param redactedUri the source URI without credentials
 * @param live true for sources with no end (RTSP); false for files and other finite media
 * @param durationMs the media duration when the container or server states it (files; an RTSP
 *     server may announce the range of a recorded clip)
 * @param frameRate the nominal frame rate, 0 if unknown (informational: sampling uses timestamps)
 * @param width decoded frame width
 * @param height decoded frame height
 */
public record SourceInfo(
        String redactedUri,
        boolean live,
        OptionalLong durationMs,
        double frameRate,
        int width,
        int height) {}
