package dev.longwatch.ingest.source;

/**
 * A media source cannot be opened or read. The message says what and why and never contains
 * credentials (URIs in it are passed through {@link Uris#redact}).
 */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a source failed; lets callers map errors (for example to HTTP 400 vs 502). */
    public enum Reason {
        /** Not a URI or path at all. */
        INVALID_URI,
        /** A scheme other than file, rtsp(s) or http(s). */
        UNSUPPORTED_SCHEME,
        NOT_FOUND,
        /** A local file outside the configured allowed roots, or not readable. */
        NOT_ALLOWED,
        /** FFmpeg could not open it: not a media file, unreachable host, refused stream. */
        UNREADABLE,
        NO_VIDEO,
        /** Decoding failed part-way. */
        DECODE_FAILED,
        /** A file ended well before its stated duration. */
        TRUNCATED
    }

    private final Reason reason;

    public SourceException(Reason reason, String message) {
        super(Uris.redact(message));
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
