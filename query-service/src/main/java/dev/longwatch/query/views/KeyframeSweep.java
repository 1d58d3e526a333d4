package dev.longwatch.query.views;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
 * A registered stream with no snapshot keeps all its frames (the memory job has not caught up).
 * What no longer belongs to a stream goes at the first sweep, grace or not: frames of an older
 * incarnation than the stream's spec (a deleted predecessor of the same id), and frames of a
 * stream without a spec (deleted) once they are a sweep interval old by the wall clock (so a frame
 * that reaches this task a moment before its new stream's spec reaches the global store stays).
 * Each run reads only this task's part of the store, one stream incarnation at a time in key
 * order.
 */
final class KeyframeSweep {
    private final KeyValueStore<String, ValueAndTimestamp<byte[]>> jpegs;
    private final KeyValueStore<String, ValueAndTimestamp<MemorySnapshot>> memory;
    private final KeyValueStore<String, ValueAndTimestamp<Chapter>> chapters;
    private final KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs;
    private final long graceMs;
    private final long specLagMs;

    KeyframeSweep(
            KeyValueStore<String, ValueAndTimestamp<byte[]>> jpegs,
            KeyValueStore<String, ValueAndTimestamp<MemorySnapshot>> memory,
            KeyValueStore<String, ValueAndTimestamp<Chapter>> chapters,
            KeyValueStore<String, ValueAndTimestamp<StreamSpec>> specs,
            Duration grace,
            Duration specLag) {
        this.jpegs = jpegs;
        this.memory = memory;
        this.chapters = chapters;
        this.specs = specs;
        this.graceMs = grace.toMillis();
        this.specLagMs = specLag.toMillis();
    }

    /**
     * Deletes what has expired at stream time {@code streamTimeMs} and wall clock {@code wallMs};
     * returns how many frames.
     */
    int run(long streamTimeMs, long wallMs) {
        long cutoff = streamTimeMs - graceMs;
        List<String> expired = new ArrayList<>();
        String group = null;
        Keep keep = null;
        try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> it = jpegs.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<byte[]>> entry = it.next();
                Optional<FrameKeys.Parsed> frame = FrameKeys.parse(entry.key);
                if (frame.isEmpty() || entry.value == null) {
                    continue;
                }
                String incarnation = frame.get().streamId() + "/" + frame.get().incarnation();
                if (!incarnation.equals(group)) {
                    group = incarnation;
                    keep = keepOf(frame.get().streamId(), frame.get().incarnation());
                }
                long at = entry.value.timestamp();
                boolean gone;
                if (keep.orphan()) {
                    gone = at < wallMs - specLagMs; // the stream was deleted
                } else if (keep == Keep.NOTHING) {
                    gone = true; // a deleted predecessor's
                } else {
                    gone = at < cutoff && !keep.keeps(frame.get().seq());
                }
                if (gone) {
                    expired.add(entry.key);
                }
            }
        }
        // After the scan: deleting under an open RocksDB iterator is allowed but needless.
        expired.forEach(jpegs::delete);
        return expired.size();
    }

    /**
     * What must stay of one stream incarnation: every referenced seq, and everything not folded in
     * yet; nothing of a replaced incarnation; {@code orphan} for a stream without a spec.
     */
    private record Keep(boolean all, boolean orphan, long foldedUpTo, Set<Long> referenced) {
        static final Keep EVERYTHING = new Keep(true, false, Long.MAX_VALUE, Set.of());
        static final Keep NOTHING = new Keep(false, false, -1, Set.of());
        static final Keep ORPHAN = new Keep(false, true, -1, Set.of());

        boolean keeps(long seq) {
            return all || seq > foldedUpTo || referenced.contains(seq);
        }
    }

    private Keep keepOf(String streamId, long incarnation) {
        ValueAndTimestamp<StreamSpec> spec = specs.get(streamId);
        if (spec == null || spec.value() == null) {
            return Keep.ORPHAN;
        }
        long created = spec.value().getCreatedMs();
        if (incarnation != 0 && incarnation < created) {
            return Keep.NOTHING; // a deleted predecessor's frames
        }
        if (incarnation > created) {
            return Keep.EVERYTHING; // a newer stream whose spec has not reached this store yet
        }
        Optional<StreamSpec> known = Optional.of(spec.value());
        ValueAndTimestamp<MemorySnapshot> snapshot = memory.get(streamId);
        if (snapshot == null || snapshot.value() == null
                || !Incarnations.current(known, snapshot.value().getIncarnation())) {
            return Keep.EVERYTHING; // the memory job has not caught up with this incarnation
        }
        Set<Long> referenced = new HashSet<>();
        String prefix = streamId + "/";
        // Chapter keys are "streamId/index"; '~' sorts after every character of an index.
        try (KeyValueIterator<String, ValueAndTimestamp<Chapter>> it = chapters.range(prefix, prefix + "~")) {
            while (it.hasNext()) {
                ValueAndTimestamp<Chapter> chapter = it.next().value;
                if (chapter != null && Incarnations.current(known, chapter.value().getIncarnation())) {
                    chapter.value().getSlotsList().forEach(slot -> referenced.add(slot.getKeyframeSeq()));
                }
            }
        }
        MemorySnapshot current = snapshot.value();
        long folded = current.getLastSeq();
        for (Slot slot : current.getSlotsList()) {
            referenced.add(slot.getKeyframeSeq());
            folded = Math.max(folded, slot.getKeyframeSeq());
        }
        return new Keep(false, false, folded, referenced);
    }
}
