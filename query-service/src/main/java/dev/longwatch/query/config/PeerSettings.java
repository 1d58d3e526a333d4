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
 *   <tr><td>{@value #ENV_PEER_TOKEN}</td><td>none. With {@code LONGWATCH_API_TOKENS} set, a token
 *       whose scope is {@code *}: standing questions read the memory and keyframes of streams
 *       another instance owns with it (there is no caller whose token could be passed on)</td></tr>
 * </table>
 *
 * @param advertisedHost host other instances use to reach this one; empty = derived as above
 * @param connectTimeout how long a forward waits to connect to the owner ({@value #CONNECT_TIMEOUT_MS} ms)
 * @param forwardTimeout how long a forward waits for the owner's whole answer
 * @param token bearer token for this instance's own reads from other instances; empty = none
 */
public record PeerSettings(
        Optional<String> advertisedHost, Duration connectTimeout, Duration forwardTimeout, Optional<String> token) {
    public static final String ENV_ADVERTISED_HOST = "LONGWATCH_HTTP_ADVERTISED_HOST";
    public static final String ENV_FORWARD_TIMEOUT_S = "LONGWATCH_QUERY_FORWARD_TIMEOUT_S";
    public static final String ENV_PEER_TOKEN = "LONGWATCH_PEER_TOKEN";
    static final long CONNECT_TIMEOUT_MS = 2000;
    private static final Duration FORWARD_SLACK = Duration.ofSeconds(15);

    public PeerSettings {
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(token, "token");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, got " + connectTimeout);
        }
        if (forwardTimeout.isNegative() || forwardTimeout.isZero()) {
            throw new IllegalArgumentException("forwardTimeout must be > 0, got " + forwardTimeout);
        }
    }

    /** The defaults for a service whose model is {@code llm}. */
    public static PeerSettings defaults(LlmSettings llm) {
        return new PeerSettings(
                Optional.empty(), Duration.ofMillis(CONNECT_TIMEOUT_MS), defaultForwardTimeout(llm), Optional.empty());
    }

    static PeerSettings fromEnv(Map<String, String> env, LlmSettings llm) {
        Optional<String> host = Optional.ofNullable(env.get(ENV_ADVERTISED_HOST)).map(String::strip).filter(h -> !h.isEmpty());
        Duration timeout =
                Optional.ofNullable(env.get(ENV_FORWARD_TIMEOUT_S))
                        .map(String::strip)
                        .filter(v -> !v.isEmpty())
                        .map(PeerSettings::seconds)
                        .orElse(defaultForwardTimeout(llm));
        Optional<String> token = Optional.ofNullable(env.get(ENV_PEER_TOKEN)).map(String::strip).filter(t -> !t.isEmpty());
        return new PeerSettings(host, Duration.ofMillis(CONNECT_TIMEOUT_MS), timeout, token);
    }

    /** The token is a secret: never in a log line. */
    @Override
    public String toString() {
        return "PeerSettings[advertisedHost=" + advertisedHost + ", connectTimeout=" + connectTimeout
                + ", forwardTimeout=" + forwardTimeout + ", token=" + (token.isPresent() ? "(set)" : "(none)") + "]";
    }

    public PeerSettings withForwardTimeout(Duration timeout) {
        return new PeerSettings(advertisedHost, connectTimeout, timeout, token);
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
