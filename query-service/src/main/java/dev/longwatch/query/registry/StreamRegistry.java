package dev.longwatch.query.registry;

import dev.longwatch.schema.proto.StreamSpec;

/**
 * Writes the control plane (lw.streams): what streams exist. Ingest instances follow it; the
 * views read it back. Both calls return once the write is durable and throw
 * {@link RegistryUnavailableException} if it could not be made durable.
 */
public interface StreamRegistry extends AutoCloseable {

    /** Registers or replaces the stream {@code spec.getId()}. */
    void put(StreamSpec spec);

    /** Deletes the stream (a tombstone on the compacted topic). */
    void delete(String streamId);

    @Override
    void close();
}
