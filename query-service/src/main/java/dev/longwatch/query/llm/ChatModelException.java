package dev.longwatch.query.llm;

/** The model could not answer: unreachable, error status, timeout or a malformed reply. */
public final class ChatModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatModelException(String message, Throwable cause) {
        super(message, cause);
    }

    public ChatModelException(String message) {
        super(message);
    }
}
