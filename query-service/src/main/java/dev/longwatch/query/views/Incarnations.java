package dev.longwatch.query.views;

import dev.longwatch.schema.proto.StreamSpec;
import java.util.Optional;

/**
 * Which records belong to the stream as it exists now. A stream's incarnation is its spec's
 * {@code created_ms}; everything derived from it carries the incarnation it was made for. A record
 * of another incarnation is what is left of a deleted stream of the same id, and is not shown;
 * neither is anything of a stream without a spec (deleted). Incarnation 0 marks a record written
 * before incarnations existed: it counts as the current incarnation's.
 */
public final class Incarnations {
    private Incarnations() {}

    /** Whether a record of {@code incarnation} belongs to the stream {@code spec} describes now. */
    public static boolean current(Optional<StreamSpec> spec, long incarnation) {
        return spec.isPresent() && (incarnation == 0 || incarnation == spec.get().getCreatedMs());
    }
}
