package dev.longwatch.query.views;

/** The views cannot be read right now (starting, rebalancing, shutting down); retry later. */
public final class ViewsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ViewsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
