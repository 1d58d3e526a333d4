package dev.longwatch.query.ask;

import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The slots of recent windows, so that asking about the same window again (another question,
 * another client) does not merge hundreds of chapter slots down to M again: over 10 h that merge
 * is most of an ask's time when the model answers fast. Keyed by what the merge reads: the
 * snapshot version and the chapters (count and newest index; sealed chapters never change and
 * are only added), so an entry is valid for as long as it is kept. Least recently used out first.
 */
final class MergedWindows {
    // The incarnation: a stream created again under the same id starts its versions anew.
    private record Key(
            String streamId, long incarnation, long memoryVersion, int chapters, long lastChapter, TimeWindow window) {}

    private final int capacity;
    // Guarded by this; access order makes it an LRU.
    private final LinkedHashMap<Key, List<SlotSpan>> entries;

    MergedWindows(int capacity) {
        this.capacity = capacity;
        this.entries =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Key, List<SlotSpan>> eldest) {
                        return size() > MergedWindows.this.capacity;
                    }
                };
    }

    /** {@link SlotSpan#of(MemorySnapshot, List, TimeWindow)}, merged once per distinct input. */
    List<SlotSpan> slots(MemorySnapshot memory, List<Chapter> chapters, TimeWindow window) {
        long lastChapter = chapters.isEmpty() ? -1 : chapters.get(chapters.size() - 1).getIndex();
        Key key =
                new Key(
                        memory.getStreamId(), memory.getIncarnation(), memory.getVersion(), chapters.size(), lastChapter,
                        window);
        synchronized (this) {
            List<SlotSpan> known = entries.get(key);
            if (known != null) {
                return known;
            }
        }
        // Merged outside the lock: two asks racing on a new window both merge, with equal results.
        List<SlotSpan> merged = List.copyOf(SlotSpan.of(memory, chapters, window));
        synchronized (this) {
            entries.put(key, merged);
        }
        return merged;
    }
}
