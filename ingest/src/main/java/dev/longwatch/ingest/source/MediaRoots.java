package dev.longwatch.ingest.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories local files may be read from. A path is checked twice: first as written
 * (normalized, symlinks not followed) before anything touches the file system, so a path outside
 * the roots is refused without learning whether it exists; then, once inside, by its real path,
 * so a symlink cannot lead out.
 *
 * <p>{@link #none()} (no roots) refuses every local file: it is the default for anything that
 * takes URIs from users. {@link #unrestricted()} is for trusted callers only (benchmarks, tests
 * reading their own fixtures).
 */
public final class MediaRoots {
    private static final MediaRoots NONE = new MediaRoots(List.of(), false);
    private static final MediaRoots UNRESTRICTED = new MediaRoots(List.of(), true);

    // Each root as configured (absolute, normalized) and, when it exists, its real path: a root
    // given through a symlink (/media -> /mnt/disk1) must match the real paths under it.
    private final List<Path> lexical;
    private final List<Path> real;
    private final boolean unrestricted;

    private MediaRoots(List<Path> roots, boolean unrestricted) {
        this.unrestricted = unrestricted;
        List<Path> lex = new ArrayList<>();
        List<Path> rl = new ArrayList<>();
        for (Path root : roots) {
            Path absolute = root.toAbsolutePath().normalize();
            lex.add(absolute);
            try {
                rl.add(absolute.toRealPath());
            } catch (IOException e) {
                // A root that does not exist (yet) allows nothing real under it.
            }
        }
        this.lexical = List.copyOf(lex);
        this.real = List.copyOf(rl);
    }

    /** Files under these directories (relative ones are taken from the working directory). */
    public static MediaRoots of(List<Path> roots) {
        return roots.isEmpty() ? NONE : new MediaRoots(roots, false);
    }

    /** No local file at all. */
    public static MediaRoots none() {
        return NONE;
    }

    /** Any local file: trusted callers only, never for a URI a user sent. */
    public static MediaRoots unrestricted() {
        return UNRESTRICTED;
    }

    /** The roots as configured; empty for {@link #none()} and {@link #unrestricted()}. */
    public List<Path> roots() {
        return lexical;
    }

    public boolean isUnrestricted() {
        return unrestricted;
    }

    /**
     * True when {@code absolute} (normalized, not resolved) lies under a root as written or under
     * a root's real path. Pure: reads nothing from the file system.
     */
    boolean admitsLexically(Path absolute) {
        return unrestricted || under(absolute, lexical) || under(absolute, real);
    }

    /** True when the real path of a file (symlinks resolved) lies under a root's real path. */
    boolean admitsReal(Path realPath) {
        return unrestricted || under(realPath, real);
    }

    private static boolean under(Path path, List<Path> roots) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return unrestricted ? "any local file" : lexical.isEmpty() ? "no local files" : lexical.toString();
    }
}
