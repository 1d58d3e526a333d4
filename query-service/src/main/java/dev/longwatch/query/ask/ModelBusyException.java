package dev.longwatch.query.ask;

/** Every model slot is taken and none freed up in time: the caller should retry later (503). */
public final class ModelBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelBusyException(String message) {
        super(message);
    }
}
