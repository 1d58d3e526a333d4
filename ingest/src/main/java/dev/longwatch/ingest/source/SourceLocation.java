package dev.longwatch.ingest.source;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated source address: what FFmpeg is given, what kind of source it is and how it may be
 * shown. Local files are checked here (exists, readable, inside the allowed roots) so those errors
 * are clear instead of an FFmpeg error code.
 *
 * @param input the string handed to FFmpeg (an absolute path for files)
 * @param kind file or network
 * @param redacted the URI with credentials removed, for messages and logs
 */
public record SourceLocation(String input, Kind kind, String redacted) {

    /** How FFmpeg reaches the media. */
    public enum Kind {
        FILE,
        RTSP,
        HTTP
    }

    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");

    /**
     * Resolves a plain path, {@code file://} URI, {@code rtsp(s)://} or {@code http(s)://} URL.
     *
     * @param allowedRoots local files must lie under one of these; empty allows any local file
     */
    public static SourceLocation resolve(String uri, List<Path> allowedRoots)
            throws SourceException {
        if (uri == null || uri.isBlank()) {
            throw new SourceException(Reason.INVALID_URI, "empty source URI");
        }
        String redacted = Uris.redact(uri);
        Matcher m = SCHEME.matcher(uri);
        // "C:" style drive letters are not a concern on Linux; one letter before ':' is a scheme.
        if (!m.find()) {
            return file(toPath(uri, redacted), allowedRoots, redacted);
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file":
                try {
                    return file(Path.of(URI.create(uri)), allowedRoots, redacted);
                } catch (IllegalArgumentException e) { // includes InvalidPathException
                    throw new SourceException(
                            Reason.INVALID_URI,
                            "invalid file URI " + redacted + ": " + e.getMessage());
                }
            case "rtsp":
            case "rtsps":
                return new SourceLocation(uri, Kind.RTSP, redacted);
            case "http":
            case "https":
                return new SourceLocation(uri, Kind.HTTP, redacted);
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

    /** True for {@code rtsp://} and {@code rtsps://} URIs (a live camera), without resolving. */
    public static boolean isRtsp(String uri) {
        Matcher m = SCHEME.matcher(uri == null ? "" : uri);
        if (!m.find()) {
            return false;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        return scheme.equals("rtsp") || scheme.equals("rtsps");
    }

    private static Path toPath(String uri, String redacted) throws SourceException {
        try {
            return Path.of(uri);
        } catch (InvalidPathException e) {
            throw new SourceException(
                    Reason.INVALID_URI, "invalid path " + redacted + ": " + e.getMessage());
        }
    }

    private static SourceLocation file(Path path, List<Path> allowedRoots, String redacted)
            throws SourceException {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new SourceException(Reason.NOT_FOUND, "no such file: " + absolute);
        }
        if (!Files.isRegularFile(absolute)) {
            throw new SourceException(Reason.NOT_FOUND, "not a regular file: " + absolute);
        }
        if (!Files.isReadable(absolute)) {
            throw new SourceException(Reason.NOT_ALLOWED, "file is not readable: " + absolute);
        }
        Path real;
        try {
            // Real paths on both sides, so a symlink cannot lead out of an allowed root.
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new SourceException(Reason.NOT_FOUND, "cannot resolve " + absolute + ": " + e);
        }
        if (!allowedRoots.isEmpty() && allowedRoots.stream().noneMatch(r -> isUnder(real, r))) {
            throw new SourceException(
                    Reason.NOT_ALLOWED,
                    "file " + absolute + " is outside the allowed roots " + allowedRoots);
        }
        return new SourceLocation(real.toString(), Kind.FILE, redacted);
    }

    private static boolean isUnder(Path real, Path root) {
        try {
            return real.startsWith(root.toRealPath());
        } catch (IOException e) {
            return false; // a root that does not exist allows nothing
        }
    }
}
