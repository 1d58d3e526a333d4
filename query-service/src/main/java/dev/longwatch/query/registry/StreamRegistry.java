package dev.longwatch.query.registry;

import dev.longwatch.schema.proto.StreamSpec;
import java.util.List;

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

    /**
     * Tombstones what the memory job published of a deleted stream ({@code lw.memory} and the
     * given {@code lw.chapters} keys): the job does so itself while it holds the stream's bank,
     * not for a bank that expired while idle, and the compacted topics would keep it for good.
     */
    void purge(String streamId, List<String> chapterKeys);

    @Override
    void close();
}
