package dev.longwatch.ingest.config;

import dev.longwatch.ingest.source.SourceOptions;
import dev.longwatch.net.Cidr;
import java.nio.file.Path;
import java.util.List;

/**
 * What a user-supplied source may reach. Every field has a safe default: no local file, the
 * built-in outbound rules, the 8K pixel limit.
 *
 * @param mediaRoots local files must lie under one of these directories (checked before any file
 *     system access, then by real path); default empty = no local file at all
 * @param allowNetworks networks sources may reach even where the built-in rules refuse (a lab
 *     camera on 127.0.0.1/32); default none ({@code --allow-network}, {@code
 *     LONGWATCH_ALLOW_NETWORKS})
 * @param denyNetworks networks sources may never reach; deny beats allow; default none ({@code
 *     --deny-network}, {@code LONGWATCH_DENY_NETWORKS})
 * @param maxPixels the largest picture a source may have; default {@link
 *     SourceOptions#DEFAULT_MAX_PIXELS} (7680 × 4320)
 */
public record SourceSafety(List<Path> mediaRoots, List<Cidr> allowNetworks, List<Cidr> denyNetworks, long maxPixels) {
    public SourceSafety {
        mediaRoots = List.copyOf(mediaRoots);
        allowNetworks = List.copyOf(allowNetworks);
        denyNetworks = List.copyOf(denyNetworks);
        if (maxPixels < 1 || maxPixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxPixels must be in [1, " + Integer.MAX_VALUE + "]: " + maxPixels);
        }
    }

    public static SourceSafety defaults() {
        return new SourceSafety(List.of(), List.of(), List.of(), SourceOptions.DEFAULT_MAX_PIXELS);
    }

    public SourceSafety withMediaRoots(List<Path> roots) {
        return new SourceSafety(roots, allowNetworks, denyNetworks, maxPixels);
    }

    public SourceSafety withNetworks(List<Cidr> allow, List<Cidr> deny) {
        return new SourceSafety(mediaRoots, allow, deny, maxPixels);
    }

    public SourceSafety withMaxPixels(long pixels) {
        return new SourceSafety(mediaRoots, allowNetworks, denyNetworks, pixels);
    }
}
