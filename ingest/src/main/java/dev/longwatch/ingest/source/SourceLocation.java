package dev.longwatch.ingest.source;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated source address: what FFmpeg is given, what kind of source it is and how it may be
 * shown. Local files are checked here against the media roots, lexically before anything touches
 * the file system (so a path outside the roots is refused the same way whether or not it exists)
 * and again by real path (so a symlink cannot lead out); network URLs are checked against the
 * outbound network rules when they are opened ({@code egress.Egress}).
 *
 * @param input the string handed to FFmpeg (an absolute real path for files)
 * @param kind file or network
 * @param redacted the URI with credentials removed, for messages and logs
 */
public record SourceLocation(String input, Kind kind, String redacted) {

    /** How FFmpeg reaches the media. */
    public enum Kind {
        FILE,
        RTSP,
        HTTP;

        public boolean network() {
            return this != FILE;
        }
    }

    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");

    /**
     * Resolves a plain path, {@code file://} URI, {@code rtsp(s)://} or {@code http(s)://} URL.
     *
     * @param roots local files must lie under one of these ({@link MediaRoots#none()}: no file)
     */
    public static SourceLocation resolve(String uri, MediaRoots roots) throws SourceException {
        if (uri == null || uri.isBlank()) {
            throw new SourceException(Reason.INVALID_URI, "empty source URI");
        }
        String redacted = Uris.redact(uri);
        Matcher m = SCHEME.matcher(uri);
        // "C:" style drive letters are not a concern on Linux; one letter before ':' is a scheme.
        if (!m.find()) {
            return file(toPath(uri, redacted), roots, redacted);
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file":
                Path path;
                try {
                    path = Path.of(URI.create(uri));
                } catch (IllegalArgumentException e) { // includes InvalidPathException
                    throw new SourceException(
                            Reason.INVALID_URI,
                            "invalid file URI " + redacted + ": " + e.getMessage());
                }
                return file(path, roots, redacted);
            case "rtsp":
            case "rtsps":
                return network(uri, Kind.RTSP, redacted);
            case "http":
            case "https":
                return network(uri, Kind.HTTP, redacted);
            default:
                throw new SourceException(
                        Reason.UNSUPPORTED_SCHEME,
                        "unsupported scheme '"
                                + scheme
                                + "' in "
                                + redacted
                                + ": use a file path, file://, rtsp://, rtsps://, http:// or"
                                + " https://");
        }
    }

    /**
     * For trusted callers that name their own files (benchmarks): {@code roots} empty means any
     * local file. A URI from a user goes through {@link #resolve(String, MediaRoots)}.
     */
    public static SourceLocation resolve(String uri, java.util.List<Path> roots) throws SourceException {
        return resolve(uri, roots.isEmpty() ? MediaRoots.unrestricted() : MediaRoots.of(roots));
    }

    /** True for {@code rtsp://} and {@code rtsps://} URIs (a live camera), without resolving. */
    public static boolean isRtsp(String uri) {
        Matcher m = SCHEME.matcher(uri == null ? "" : uri);
        if (!m.find()) {
            return false;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        return scheme.equals("rtsp") || scheme.equals("rtsps");
    }

    /** True for rtsp(s) and http(s) URIs, without resolving: they run on the network workers. */
    public static boolean isNetwork(String uri) {
        Matcher m = SCHEME.matcher(uri == null ? "" : uri);
        if (!m.find()) {
            return false;
        }
        return switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "rtsp", "rtsps", "http", "https" -> true;
            default -> false;
        };
    }

    /** The network URL parsed, or null for a file. */
    public URI networkUri() {
        return kind.network() ? URI.create(input) : null;
    }

    private static SourceLocation network(String uri, Kind kind, String redacted) throws SourceException {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new SourceException(Reason.INVALID_URI, "invalid URL " + redacted + ": " + e.getReason());
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            // FFmpeg would read "http:foo" or "rtsp:///x" in ways of its own: a URL needs a host.
            throw new SourceException(Reason.INVALID_URI, "URL " + redacted + " has no host");
        }
        return new SourceLocation(uri, kind, redacted);
    }

    private static Path toPath(String uri, String redacted) throws SourceException {
        try {
            return Path.of(uri);
        } catch (InvalidPathException e) {
            throw new SourceException(
                    Reason.INVALID_URI, "invalid path " + redacted + ": " + e.getMessage());
        }
    }

    private static SourceLocation file(Path path, MediaRoots roots, String redacted)
            throws SourceException {
        // Lexical first: nothing below may touch a path outside the roots, or the answer (missing
        // or not) would tell whoever sent it what exists on this machine.
        Path absolute = path.toAbsolutePath().normalize();
        if (!roots.admitsLexically(absolute)) {
            throw outside(redacted);
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (NoSuchFileException e) {
            throw new SourceException(Reason.NOT_FOUND, "no such file: " + redacted);
        } catch (IOException | SecurityException e) {
            throw new SourceException(Reason.NOT_ALLOWED, "cannot read " + redacted + ": " + e.getClass().getSimpleName());
        }
        if (!roots.admitsReal(real)) {
            throw outside(redacted); // a symlink leading out: refused as if it were outside
        }
        if (!Files.isRegularFile(real)) {
            throw new SourceException(Reason.NOT_FOUND, "not a regular file: " + redacted);
        }
        if (!Files.isReadable(real)) {
            throw new SourceException(Reason.NOT_ALLOWED, "file is not readable: " + redacted);
        }
        return new SourceLocation(real.toString(), Kind.FILE, redacted);
    }

    /** One message for every path outside the roots, existing or not. */
    private static SourceException outside(String redacted) {
        return new SourceException(
                Reason.NOT_ALLOWED,
                "file " + redacted + " is not under the configured media roots");
    }
}
