package dev.longwatch.query.views;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Retention of the keyframe store: deletes the frames that no slot can ever point to again.
 *
 * <p>Why by reference and not by age: a question over the last 10 h shows the keyframes of slots
 * sealed into chapters 10 h ago, so any age limit short of "forever" breaks old chapters, and
 * "forever" keeps every frame. The memory bank only ever keeps one of the two keyframes when it
 * merges two slots (the one of the side with more frames; {@code ChapterWindow.merge} does the
 * same for windows), so once the memory job has folded a frame into the bank, the frame is a
 * keyframe of the current snapshot or a sealed chapter, or of nothing for good.
 *
 * <p>A frame is deleted when all of these hold:
 *
 * <ul>
 *   <li>the stream's current snapshot has folded it in ({@code seq <= last_seq}): newer frames
 *       may still become keyframes;
 *   <li>no slot of that snapshot and no slot of the stream's sealed chapters names it;
 *   <li>it is older than the grace, by stream time: the snapshot that drops a chapter's slots
 *       and the chapter itself arrive on different threads (partitioned table, global table), so
 *       for a moment the chapter's keyframes look unreferenced.
 * </ul>
 *
 * A registered stream with no snapshot keeps all its frames (the memory job has not caught up);
 * a stream with neither snapshot nor spec was deleted, and its frames go once older than the
 * grace. Each run reads only this task's part of the store, one stream at a time in key order.
 */
final class KeyframeSweep {
    private final KeyValueStore<String, ValueAndTimestamp<byte[]>> jpegs;
    private final KeyValueStore<String, ValueAndTimestamp<MemorySnapshot>> memory;
    private final KeyValueStore<String, ValueAndTimestamp<Chapter>> chapters;
    private final KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs;
    private final long graceMs;

    KeyframeSweep(
            KeyValueStore<String, ValueAndTimestamp<byte[]>> jpegs,
            KeyValueStore<String, ValueAndTimestamp<MemorySnapshot>> memory,
            KeyValueStore<String, ValueAndTimestamp<Chapter>> chapters,
            KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs,
            Duration grace) {
        this.jpegs = jpegs;
        this.memory = memory;
        this.chapters = chapters;
        this.specs = specs;
        this.graceMs = grace.toMillis();
    }

    /** Deletes what has expired at stream time {@code streamTimeMs}; returns how many frames. */
    int run(long streamTimeMs) {
        long cutoff = streamTimeMs - graceMs;
        List<String> expired = new ArrayList<>();
        String stream = null;
        Keep keep = null;
        try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> it = jpegs.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<byte[]>> entry = it.next();
                int slash = entry.key.lastIndexOf('/');
                if (slash < 0 || entry.value == null || entry.value.timestamp() >= cutoff) {
                    continue;
                }
                String id = entry.key.substring(0, slash);
                if (!id.equals(stream)) {
                    stream = id;
                    keep = keepOf(id);
                }
                long seq = Long.parseLong(entry.key.substring(slash + 1));
                if (!keep.keeps(seq)) {
                    expired.add(entry.key);
                }
            }
        }
        // After the scan: deleting under an open RocksDB iterator is allowed but needless.
        expired.forEach(jpegs::delete);
        return expired.size();
    }

    /** What must stay of one stream: every referenced seq, and everything not folded in yet. */
    private record Keep(boolean all, long foldedUpTo, Set<Long> referenced) {
        static final Keep EVERYTHING = new Keep(true, Long.MAX_VALUE, Set.of());
        static final Keep NOTHING = new Keep(false, Long.MAX_VALUE, Set.of());

        boolean keeps(long seq) {
            return all || seq > foldedUpTo || referenced.contains(seq);
        }
    }

    private Keep keepOf(String streamId) {
        ValueAndTimestamp<MemorySnapshot> current = memory.get(streamId);
        if (current == null || current.value() == null) {
            return specs.get(streamId) == null ? Keep.NOTHING : Keep.EVERYTHING;
        }
        Set<Long> referenced = new HashSet<>();
        String prefix = streamId + "/";
        // Chapter keys are "streamId/index"; '~' sorts after every character of an index.
        try (KeyValueIterator<String, ValueAndTimestamp<Chapter>> it = chapters.range(prefix, prefix + "~")) {
            while (it.hasNext()) {
                ValueAndTimestamp<Chapter> chapter = it.next().value;
                if (chapter != null) {
                    chapter.value().getSlotsList().forEach(slot -> referenced.add(slot.getKeyframeSeq()));
                }
            }
        }
        MemorySnapshot snapshot = current.value();
        long folded = snapshot.getLastSeq();
        for (Slot slot : snapshot.getSlotsList()) {
            referenced.add(slot.getKeyframeSeq());
            folded = Math.max(folded, slot.getKeyframeSeq());
        }
        return new Keep(false, folded, referenced);
    }
}
