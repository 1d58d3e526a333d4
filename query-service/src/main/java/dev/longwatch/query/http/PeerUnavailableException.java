package dev.longwatch.query.http;

/** The instance that owns a stream could not be asked (down, unreachable, too slow): 503. */
final class PeerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PeerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
