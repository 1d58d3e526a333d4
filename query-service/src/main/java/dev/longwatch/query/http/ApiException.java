package dev.longwatch.query.http;

import java.util.OptionalInt;

/**
 * An answer other than success, with the HTTP status and the {@code code} and {@code message} of
 * the JSON error body, and a {@code Retry-After} when retrying later can succeed. Thrown by
 * handlers and filters; {@link HttpApi} writes it.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final OptionalInt retryAfterSec;

    public ApiException(int status, String code, String message) {
        this(status, code, message, OptionalInt.empty());
    }

    private ApiException(int status, String code, String message, OptionalInt retryAfterSec) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSec = retryAfterSec;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** 429: a tenant limit is reached; {@code retryAfterSec} says when to try again. */
    public static ApiException tooMany(String code, String message, int retryAfterSec) {
        return new ApiException(429, code, message, OptionalInt.of(retryAfterSec));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds for the {@code Retry-After} header, if any. */
    public OptionalInt retryAfterSec() {
        return retryAfterSec;
    }
}
