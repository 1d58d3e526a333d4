package dev.longwatch.ingest.source;

/** Opens a {@link FrameSource} for a URI; the seam where tests plug in synthetic sources. */
@FunctionalInterface
public interface FrameSourceFactory {
    /**
     * @throws SourceException when the URI is invalid, not allowed or cannot be opened
     */
    FrameSource open(String uri) throws SourceException;

    /**
     * Whether a failure to open {@code uri} is worth retrying with backoff: true for live
     * network sources (a camera that is down now may be back in a minute), false for files.
     * Errors that retrying cannot fix (bad URI, unsupported scheme) fail regardless.
     */
    default boolean reconnectable(String uri) {
        return false;
    }
}
