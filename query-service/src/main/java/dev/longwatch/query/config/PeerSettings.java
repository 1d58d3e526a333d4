package dev.longwatch.query.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How query-service instances find and call each other. Kafka Streams spreads the partitioned
 * views (memory snapshots, keyframes) over the instances of one application id; each instance
 * publishes where its HTTP API can be reached as {@code application.server}, and a request for a
 * stream another instance owns is forwarded there.
 *
 * <table>
 *   <caption>Environment variables read by {@link #fromEnv}</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@value #ENV_ADVERTISED_HOST}</td><td>the HTTP bind host ({@code LONGWATCH_HTTP_HOST});
 *       when that is a wildcard address (0.0.0.0, ::) the machine's host name. The port is always
 *       the port HTTP really listens on.</td></tr>
 *   <tr><td>{@value #ENV_FORWARD_TIMEOUT_S}</td><td>the LLM timeout × (retries + 1) + 15 s: a
 *       forwarded ask may wait for the owner's model call</td></tr>
 * </table>
 *
 * @param advertisedHost host other instances use to reach this one; empty = derived as above
 * @param connectTimeout how long a forward waits to connect to the owner ({@value #CONNECT_TIMEOUT_MS} ms)
 * @param forwardTimeout how long a forward waits for the owner's whole answer
 */
public record PeerSettings(Optional<String> advertisedHost, Duration connectTimeout, Duration forwardTimeout) {
    public static final String ENV_ADVERTISED_HOST = "LONGWATCH_HTTP_ADVERTISED_HOST";
    public static final String ENV_FORWARD_TIMEOUT_S = "LONGWATCH_QUERY_FORWARD_TIMEOUT_S";
    static final long CONNECT_TIMEOUT_MS = 2000;
    private static final Duration FORWARD_SLACK = Duration.ofSeconds(15);

    public PeerSettings {
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, got " + connectTimeout);
        }
        if (forwardTimeout.isNegative() || forwardTimeout.isZero()) {
            throw new IllegalArgumentException("forwardTimeout must be > 0, got " + forwardTimeout);
        }
    }

    /** The defaults for a service whose model is {@code llm}. */
    public static PeerSettings defaults(LlmSettings llm) {
        return new PeerSettings(Optional.empty(), Duration.ofMillis(CONNECT_TIMEOUT_MS), defaultForwardTimeout(llm));
    }

    static PeerSettings fromEnv(Map<String, String> env, LlmSettings llm) {
        Optional<String> host = Optional.ofNullable(env.get(ENV_ADVERTISED_HOST)).map(String::strip).filter(h -> !h.isEmpty());
        Duration timeout =
                Optional.ofNullable(env.get(ENV_FORWARD_TIMEOUT_S))
                        .map(String::strip)
                        .filter(v -> !v.isEmpty())
                        .map(PeerSettings::seconds)
                        .orElse(defaultForwardTimeout(llm));
        return new PeerSettings(host, Duration.ofMillis(CONNECT_TIMEOUT_MS), timeout);
    }

    public PeerSettings withForwardTimeout(Duration timeout) {
        return new PeerSettings(advertisedHost, connectTimeout, timeout);
    }

    private static Duration defaultForwardTimeout(LlmSettings llm) {
        return llm.timeout().multipliedBy(llm.maxRetries() + 1L).plus(FORWARD_SLACK);
    }

    private static Duration seconds(String value) {
        try {
            double s = Double.parseDouble(value);
            if (!(s > 0)) {
                throw new IllegalArgumentException(ENV_FORWARD_TIMEOUT_S + " must be > 0, got '" + value + "'");
            }
            return Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV_FORWARD_TIMEOUT_S + " must be a number of seconds, got '" + value + "'", e);
        }
    }
}
