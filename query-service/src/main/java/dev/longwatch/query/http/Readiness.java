package dev.longwatch.query.http;

/**
 * Whether the service can answer queries now, and if not, why (for {@code /readyz}).
 *
 * @param ready true when the views can be queried
 * @param detail what is being waited for, or "ready"
 */
public record Readiness(boolean ready, String detail) {
    public static Readiness isReady() {
        return new Readiness(true, "ready");
    }

    public static Readiness notReady(String detail) {
        return new Readiness(false, detail);
    }
}
