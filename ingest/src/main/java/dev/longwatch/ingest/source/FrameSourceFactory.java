package dev.longwatch.ingest.source;

/** Opens a {@link FrameSource} for a URI; the seam where tests plug in synthetic sources. */
@FunctionalInterface
public interface FrameSourceFactory {
    /**
     * @throws SourceException when the URI is invalid, not allowed or cannot be opened
     */
    FrameSource open(String uri) throws SourceException;
}
