package dev.longwatch.query.config;

import java.util.Map;

/**
 * What one tenant may hold at once; beyond it the API answers 429 with {@code Retry-After}. A
 * tenant is one bearer token of {@code LONGWATCH_API_TOKENS}, or everyone together when the API
 * is open. Streams and subscriptions are counted over what the tenant's scope can see, on every
 * instance alike (they are global tables); event streams and asks are counted per instance (they
 * are connections and threads of that instance).
 *
 * <table>
 *   <caption>Environment variables read by {@link #fromEnv}</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@value #ENV_STREAMS}</td><td>{@value #DEFAULT_STREAMS} streams</td></tr>
 *   <tr><td>{@value #ENV_SUBSCRIPTIONS}</td><td>{@value #DEFAULT_SUBSCRIPTIONS} standing questions</td></tr>
 *   <tr><td>{@value #ENV_EVENT_STREAMS}</td><td>{@value #DEFAULT_EVENT_STREAMS} open SSE connections</td></tr>
 *   <tr><td>{@value #ENV_ASKS}</td><td>{@value #DEFAULT_ASKS} asks answered at once</td></tr>
 * </table>
 *
 * @param streams streams a tenant may have registered
 * @param subscriptions standing questions a tenant may have
 * @param eventStreams SSE connections a tenant may hold open on one instance
 * @param asks {@code POST .../ask} a tenant may have in progress on one instance
 */
public record TenantLimits(int streams, int subscriptions, int eventStreams, int asks) {
    public static final String ENV_STREAMS = "LONGWATCH_TENANT_MAX_STREAMS";
    public static final String ENV_SUBSCRIPTIONS = "LONGWATCH_TENANT_MAX_SUBSCRIPTIONS";
    public static final String ENV_EVENT_STREAMS = "LONGWATCH_TENANT_MAX_EVENT_STREAMS";
    public static final String ENV_ASKS = "LONGWATCH_TENANT_MAX_ASKS";

    public static final int DEFAULT_STREAMS = 100;
    public static final int DEFAULT_SUBSCRIPTIONS = 200;
    public static final int DEFAULT_EVENT_STREAMS = 20;
    public static final int DEFAULT_ASKS = 4;

    public static final TenantLimits DEFAULT =
            new TenantLimits(DEFAULT_STREAMS, DEFAULT_SUBSCRIPTIONS, DEFAULT_EVENT_STREAMS, DEFAULT_ASKS);

    public TenantLimits {
        positive("streams", streams);
        positive("subscriptions", subscriptions);
        positive("eventStreams", eventStreams);
        positive("asks", asks);
    }

    /** Reads the given environment; unset or blank variables take their defaults. */
    public static TenantLimits fromEnv(Map<String, String> env) {
        return new TenantLimits(
                number(env, ENV_STREAMS, DEFAULT_STREAMS),
                number(env, ENV_SUBSCRIPTIONS, DEFAULT_SUBSCRIPTIONS),
                number(env, ENV_EVENT_STREAMS, DEFAULT_EVENT_STREAMS),
                number(env, ENV_ASKS, DEFAULT_ASKS));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("tenant limit " + name + " must be >= 1, got " + value);
        }
    }

    private static int number(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < 1) {
                throw new IllegalArgumentException(key + " must be >= 1, got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
        }
    }
}
