package dev.longwatch.query.registry;

/** A registry write could not be made durable (Kafka unreachable, timeout); nothing was changed. */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
