package dev.longwatch.query.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer tokens the API accepts and the streams each may see, parsed from
 * {@code LONGWATCH_API_TOKENS}: {@code token=scope,scope;token=scope}, where a scope is a stream id
 * ({@code lobby}), a prefix ending in {@code *} ({@code cam-*}) or {@code *} (every stream). For
 * example {@code tokenA=cam-*,lobby;tokenB=*}. No tokens at all means the API is open, which
 * {@link BindPolicy} allows on loopback only.
 */
public final class ApiTokens {
    public static final String ENV = "LONGWATCH_API_TOKENS";
    private static final ApiTokens NONE = new ApiTokens(Map.of());

    private final Map<String, StreamScope> scopes;
    // Token → tenant name ("token-1", ... in the order of the list): what limits and logs name,
    // since the token itself is a secret.
    private final Map<String, String> tenants;

    private ApiTokens(Map<String, StreamScope> scopes) {
        this.scopes = Map.copyOf(scopes);
        Map<String, String> names = new LinkedHashMap<>();
        for (String token : scopes.keySet()) {
            names.put(token, "token-" + (names.size() + 1));
        }
        this.tenants = Map.copyOf(names);
    }

    public static ApiTokens none() {
        return NONE;
    }

    /** Parses the {@link #ENV} syntax; blank means none. */
    public static ApiTokens parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        Map<String, StreamScope> out = new LinkedHashMap<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        ENV + ": entry '" + redact(entry) + "' must be token=stream[,stream...]");
            }
            String token = entry.substring(0, eq).strip();
            if (token.length() < 8 || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        ENV + ": token '" + redact(token) + "' must be at least 8 characters, no spaces");
            }
            if (out.containsKey(token)) {
                throw new IllegalArgumentException(ENV + ": token '" + redact(token) + "' is listed twice");
            }
            out.put(token, StreamScope.parse(entry.substring(eq + 1)));
        }
        return out.isEmpty() ? NONE : new ApiTokens(out);
    }

    /** True when no token is configured: every request may see every stream. */
    public boolean open() {
        return scopes.isEmpty();
    }

    /** The scope of {@code token}, empty when the token is unknown. */
    public Optional<StreamScope> scopeOf(String token) {
        return Optional.ofNullable(token == null ? null : scopes.get(token));
    }

    /** The tenant of a known {@code token}: its name and scope; empty when the token is unknown. */
    public Optional<Tenant> tenantOf(String token) {
        return scopeOf(token).map(scope -> new Tenant(tenants.get(token), scope));
    }

    /**
     * One bearer token as a tenant of the API.
     *
     * @param name {@code token-N}, N its place in {@value #ENV}: names it in limits and logs
     * @param scope the streams it may see
     */
    public record Tenant(String name, StreamScope scope) {}

    /** A token whose scope allows {@code streamId}, for the service's own calls; empty if none. */
    public Optional<String> tokenFor(String streamId) {
        return scopes.entrySet().stream().filter(e -> e.getValue().allows(streamId)).map(Map.Entry::getKey).findFirst();
    }

    public int size() {
        return scopes.size();
    }

    /** Tokens are secrets: only the first two characters go to messages. */
    static String redact(String token) {
        return token.length() <= 2 ? "**" : token.substring(0, 2) + "***";
    }

    @Override
    public String toString() {
        return open() ? "ApiTokens[open]" : "ApiTokens[" + scopes.size() + " tokens]";
    }

    /**
     * The streams one token may see.
     *
     * @param patterns exact ids, or prefixes ending in {@code *}
     */
    public record StreamScope(List<String> patterns) {
        public static final StreamScope ALL = new StreamScope(List.of("*"));

        public StreamScope {
            patterns = List.copyOf(patterns);
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException("a token needs at least one stream or prefix");
            }
        }

        static StreamScope parse(String list) {
            List<String> patterns =
                    java.util.Arrays.stream(list.split(","))
                            .map(String::strip)
                            .filter(p -> !p.isEmpty())
                            .toList();
            for (String p : patterns) {
                String body = p.endsWith("*") ? p.substring(0, p.length() - 1) : p;
                if (body.contains("*") || body.contains("/")) {
                    throw new IllegalArgumentException(
                            ENV + ": scope '" + p + "' must be a stream id, a prefix ending in '*', or '*'");
                }
            }
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException(ENV + ": a token needs at least one stream or prefix");
            }
            return new StreamScope(patterns);
        }

        public boolean allows(String streamId) {
            for (String p : patterns) {
                if (p.endsWith("*")
                        ? streamId.startsWith(p.substring(0, p.length() - 1))
                        : streamId.equals(p)) {
                    return true;
                }
            }
            return false;
        }
    }
}
