package dev.longwatch.query.ask;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Model answers by (stream, memory version, chapter count, window, question), least recently
 * used out first. A memory snapshot never changes once versioned and a sealed chapter never
 * changes, so an entry is valid for as long as it is kept: a new version or a newly sealed
 * chapter is a new key, and old keys age out.
 */
public final class AnswerCache {
    /**
     * What identifies an answer.
     *
     * @param incarnation the stream incarnation: a stream created again under the same id starts
     *     its versions anew, and must not get its predecessor's answers
     * @param chapters how many sealed chapters the answer's slots were merged from
     */
    public record Key(
            String streamId,
            long incarnation,
            long memoryVersion,
            int chapters,
            TimeWindow window,
            String question) {}

    private final int capacity;
    // Guarded by this; access order makes it an LRU.
    private final LinkedHashMap<Key, AskResult> entries;

    public AnswerCache(int capacity) {
        this.capacity = capacity;
        this.entries =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Key, AskResult> eldest) {
                        return size() > AnswerCache.this.capacity;
                    }
                };
    }

    public synchronized Optional<AskResult> get(Key key) {
        return Optional.ofNullable(entries.get(key));
    }

    public synchronized void put(Key key, AskResult result) {
        if (capacity > 0) {
            entries.put(key, result);
        }
    }

    public synchronized int size() {
        return entries.size();
    }
}
