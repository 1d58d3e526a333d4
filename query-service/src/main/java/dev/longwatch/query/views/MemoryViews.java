package dev.longwatch.query.views;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import java.util.List;
import java.util.Optional;

/**
 * Read-only views of what the pipeline has produced, as seen by this instance: the stream
 * registry, what ingest reports about each stream, the memory bank of each stream, and the
 * JPEG of any frame. The HTTP layer reads only through this interface and does not know where
 * the data lives.
 *
 * <p>Only what belongs to the stream's current incarnation is shown ({@link Incarnations}): the
 * memory, chapters, status and frames of a deleted stream are absent the moment its spec is, and
 * those of a deleted predecessor with the same id never show up under the new stream.
 *
 * <p>Views are eventually consistent with the topics they follow: a spec written a moment ago
 * may not be visible yet. Every method throws {@link ViewsUnavailableException} while the views
 * cannot be read (starting, rebalancing); callers answer 503 then, never "absent".
 *
 * <p>Multi-instance: memory snapshots and frames of a stream owned by another instance are
 * "absent" here; the HTTP layer forwards such requests to the owner first ({@code
 * cluster.StreamOwners}, KSE's MetadataService pattern). Specs, statuses and chapters are global.
 */
public interface MemoryViews {

    /**
     * The latest memory snapshot of the stream, if the memory job has written one. Once the job
     * seals chapters it holds only the current chapter's bank; see {@link #chapters}.
     */
    Optional<MemorySnapshot> memory(String streamId);

    /** The sealed chapters of the stream, ordered by index; empty if none were sealed (yet). */
    List<Chapter> chapters(String streamId);

    /**
     * One sealed chapter of the stream's current incarnation, if it was sealed. Chapter 0 starts at the stream's first
     * frame, so it says where the memory begins without reading every chapter.
     */
    default Optional<Chapter> chapter(String streamId, long index) {
        return chapters(streamId).stream().filter(c -> c.getIndex() == index).findFirst();
    }

    /** The registered spec of the stream; empty if unknown or deleted. */
    Optional<StreamSpec> spec(String streamId);

    /** What ingest last reported about the stream. */
    Optional<StreamStatus> status(String streamId);

    /**
     * The {@code lw.chapters} keys of every chapter this instance holds under the stream's id, of
     * any incarnation: what a deletion must tombstone.
     */
    default List<String> chapterKeys(String streamId) {
        return chapters(streamId).stream()
                .map(c -> dev.longwatch.schema.StreamIds.chapterKey(streamId, c.getIndex()))
                .toList();
    }

    /** All registered streams, ordered by id. */
    List<StreamSpec> specs();

    /**
     * The JPEG of frame {@code seq} of the stream incarnation {@code incarnation}, if that is the
     * current one and this instance holds the frame.
     */
    Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq);
}
