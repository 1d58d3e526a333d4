package dev.longwatch.ingest.source;

/**
 * A media source cannot be opened or read. The message is what the user who supplied the URI is
 * told (it ends up in the stream's status); {@link #detail()} is what the service log gets. For
 * network sources the message is generic ("source unreachable", "source refused by the outbound
 * network rules") so that a status never tells which internal hosts or ports answer; the detail
 * says what really happened. Neither contains credentials (both pass through {@link Uris#redact}).
 */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a source failed; lets callers map errors (for example to HTTP 400 vs 502). */
    public enum Reason {
        /** Not a URI or path at all. */
        INVALID_URI,
        /** A scheme other than file, rtsp(s) or http(s). */
        UNSUPPORTED_SCHEME,
        /** A file inside the media roots that does not exist or is not a regular file. */
        NOT_FOUND,
        /**
         * A local file outside the media roots (whether or not it exists), a symlink leading out
         * of them, or a file that is not readable.
         */
        NOT_ALLOWED,
        /** A network destination the outbound network rules refuse. */
        REFUSED,
        /** Not a format ingest reads (text, subtitles, playlists, ...): FFmpeg's whitelists. */
        NOT_MEDIA,
        /** Pictures larger than the pixel limit. */
        TOO_LARGE,
        /** FFmpeg could not open it: not a media file, unreachable host, refused stream. */
        UNREADABLE,
        NO_VIDEO,
        /** Decoding failed part-way. */
        DECODE_FAILED,
        /** A file ended well before its stated duration. */
        TRUNCATED
    }

    private final Reason reason;
    private final String detail;

    public SourceException(Reason reason, String message) {
        this(reason, message, message);
    }

    /**
     * @param message for the user (the stream's status)
     * @param detail for the service log
     */
    public SourceException(Reason reason, String message, String detail) {
        super(Uris.redact(message));
        this.reason = reason;
        this.detail = Uris.redact(detail);
    }

    public Reason reason() {
        return reason;
    }

    /** What happened, for the service log only. */
    public String detail() {
        return detail;
    }
}
