package dev.longwatch.ingest.source;

import java.util.Optional;

/**
 * A media source yielding decoded video frames in presentation order, each with its presentation
 * time from the media (not a frame index, so variable frame rate and dropped frames keep real
 * time). Not thread-safe: one thread opens, reads and closes it.
 *
 * <p>Implementations: {@link FfmpegFrameSource} (files, RTSP, HTTP/HLS); tests use in-memory fakes.
 */
public interface FrameSource extends AutoCloseable {

    /** Facts about the open source. */
    SourceInfo info();

    /**
     * Decodes the next frame.
     *
     * @return the frame, or empty at the end of the media
     * @throws SourceException when reading fails, including a file that ends well before its
     *     stated duration (the frames before it were still returned)
     */
    Optional<SourceFrame> next() throws SourceException;

    /** Releases the decoder and the connection; never throws. */
    @Override
    void close();
}
