package dev.longwatch.query.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names an open API (no tokens, loopback only) answers to. A browser page on any site can
 * send requests to {@code http://127.0.0.1:8080} (cross-site requests) or make its own host name
 * resolve to 127.0.0.1 (DNS rebinding); both show up as a {@code Host} or {@code Origin} that is
 * not the service's own, and are refused.
 *
 * <p>The service's own names: the bind address, {@code localhost}, {@code 127.0.0.1} and {@code
 * [::1]}, each with the port the request came in on; plus the operator's {@value #ENV} entries:
 * {@code name} (any port) or {@code name:port}.
 */
public final class AllowedHosts {
    public static final String ENV = "LONGWATCH_ALLOWED_HOSTS";
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

    /** Names allowed with the request's own port. */
    private final Set<String> ownNames;
    /** Configured names allowed on any port. */
    private final Set<String> anyPort;
    /** Configured {@code name:port} pairs. */
    private final Set<String> exact;

    private AllowedHosts(Set<String> ownNames, Set<String> anyPort, Set<String> exact) {
        this.ownNames = Set.copyOf(ownNames);
        this.anyPort = Set.copyOf(anyPort);
        this.exact = Set.copyOf(exact);
    }

    /**
     * The own names of a service bound to {@code bindHost}, plus {@code extra} entries.
     *
     * @throws IllegalArgumentException for an entry that is not {@code name} or {@code name:port}
     */
    public static AllowedHosts of(String bindHost, List<String> extra) {
        Set<String> own = new LinkedHashSet<>(LOOPBACK_NAMES);
        Optional<Authority> bind = Authority.parse(bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost);
        bind.filter(b -> b.port() < 0).ifPresent(b -> own.add(b.host()));
        Set<String> anyPort = new LinkedHashSet<>();
        Set<String> exact = new LinkedHashSet<>();
        for (String entry : extra) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            Authority parsed =
                    Authority.parse(trimmed)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    ENV + ": '" + trimmed + "' must be a host name or address, optionally with :port"));
            if (parsed.port() < 0) {
                anyPort.add(parsed.host());
            } else {
                exact.add(parsed.toString());
            }
        }
        return new AllowedHosts(own, anyPort, exact);
    }

    /** Parses the comma-separated {@value #ENV}; blank means none. */
    public static List<String> parseList(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Whether a {@code Host} header names this service; {@code localPort} is the port the request
     * came in on. A host without a port means port 80, as in HTTP.
     */
    public boolean allowsHost(String hostHeader, int localPort) {
        return Authority.parse(hostHeader).map(a -> allows(a, 80, localPort)).orElse(false);
    }

    /**
     * Whether an {@code Origin} header is a page of this service itself. {@code null} (the
     * literal, sent by sandboxed frames and local files) is never allowed.
     */
    public boolean allowsOrigin(String origin, int localPort) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        return Authority.parse(uri.getRawAuthority()).map(a -> allows(a, defaultPort, localPort)).orElse(false);
    }

    private boolean allows(Authority authority, int defaultPort, int localPort) {
        int port = authority.port() < 0 ? defaultPort : authority.port();
        return ownNames.contains(authority.host()) && port == localPort
                || anyPort.contains(authority.host())
                || exact.contains(authority.host() + ":" + port);
    }

    @Override
    public String toString() {
        return "AllowedHosts" + ownNames + "+" + anyPort + "+" + exact;
    }

    /** {@code host[:port]}, host lower case, IPv6 in brackets; port -1 when absent. */
    private record Authority(String host, int port) {
        static Optional<Authority> parse(String text) {
            if (text == null || text.isEmpty() || text.length() > 255) {
                return Optional.empty();
            }
            String host;
            String rest;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    return Optional.empty();
                }
                host = text.substring(0, close + 1);
                rest = text.substring(close + 1);
            } else {
                int colon = text.indexOf(':');
                host = colon < 0 ? text : text.substring(0, colon);
                rest = colon < 0 ? "" : text.substring(colon);
            }
            if (host.isEmpty() || !host.chars().allMatch(Authority::hostChar)) {
                return Optional.empty();
            }
            int port = -1;
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":") || rest.length() < 2 || rest.length() > 6
                        || !rest.substring(1).chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                port = Integer.parseInt(rest.substring(1));
                if (port > 65535) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Authority(host.toLowerCase(Locale.ROOT), port));
        }

        private static boolean hostChar(int c) {
            return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_'
                    || c == '[' || c == ']' || c == ':');
        }

        @Override
        public String toString() {
            return port < 0 ? host : host + ":" + port;
        }
    }
}
