package dev.longwatch.query.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which source URIs a stream may have, and how they are shown back. Allowed: a plain absolute
 * path, {@code file:}, {@code rtsp(s)://} and {@code http(s)://} (HLS or a progressive file).
 */
final class SourceUris {
    static final Set<String> SCHEMES = Set.of("file", "rtsp", "rtsps", "http", "https");
    private static final Set<String> NETWORK = Set.of("rtsp", "rtsps", "http", "https");
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");
    // scheme://userinfo@ : the user info is everything before the last '@' of the authority.
    private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#]*)@");
    private static final int MAX_LENGTH = 4096;

    private SourceUris() {}

    /** Throws a 400 {@link ApiException} unless {@code uri} is a source ingest can open. */
    static void check(String uri) {
        if (uri == null || uri.isBlank()) {
            throw ApiException.badRequest("invalid_uri", "'uri' is required");
        }
        if (uri.length() > MAX_LENGTH || uri.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(
                    "invalid_uri", "'uri' must be at most " + MAX_LENGTH + " characters, no control characters");
        }
        if (uri.startsWith("/")) {
            return; // a plain absolute path on the ingest host
        }
        Matcher scheme = SCHEME.matcher(uri);
        if (!scheme.find()) {
            throw ApiException.badRequest(
                    "invalid_uri", "'uri' must be an absolute path or a URI with one of the schemes " + allowed());
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(name)) {
            throw ApiException.badRequest(
                    "unsupported_scheme", "scheme '" + name + "' is not supported; use one of " + allowed());
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid_uri", "'uri' is not a valid URI: " + e.getMessage());
        }
        if (NETWORK.contains(name) && (parsed.getHost() == null || parsed.getHost().isEmpty())) {
            throw ApiException.badRequest("invalid_uri", "'uri' has no host: " + redact(uri));
        }
        if (name.equals("file") && (parsed.getPath() == null || parsed.getPath().isEmpty())) {
            throw ApiException.badRequest("invalid_uri", "'uri' has no path: " + uri);
        }
    }

    /** The URI with any password replaced by {@code ***}, safe to show and log. */
    static String redact(String uri) {
        Matcher m = USER_INFO.matcher(uri);
        if (!m.find()) {
            return uri;
        }
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String shown = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return m.group(1) + shown + "@" + uri.substring(m.end());
    }

    private static String allowed() {
        return "file, rtsp, rtsps, http, https (or a plain absolute path)";
    }
}
