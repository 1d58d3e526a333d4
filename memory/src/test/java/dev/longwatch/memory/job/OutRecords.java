package dev.longwatch.memory.job;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;

import java.util.Collection;
import java.util.List;

/** Parses collected {@link OutRecord}s back, per topic, with the topics' own serdes. */
final class OutRecords {
    private OutRecords() {}

    static List<MemorySnapshot> snapshots(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.MEMORY.name()) && r.value() != null)
                .map(
                        r ->
                                Topics.MEMORY
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value()))
                .toList();
    }

    /** Stream ids whose lw.memory entry was deleted (a tombstone). */
    static List<String> memoryTombstones(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.MEMORY.name()) && r.value() == null)
                .map(r -> Topics.MEMORY.keySerde().deserializer().deserialize(r.topic(), r.key()))
                .toList();
    }

    static List<Chapter> chapters(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.CHAPTERS.name()) && r.value() != null)
                .map(
                        r ->
                                Topics.CHAPTERS
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value()))
                .toList();
    }

    /** Keys of deleted chapters (tombstones on lw.chapters). */
    static List<String> chapterTombstones(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.CHAPTERS.name()) && r.value() == null)
                .map(r -> Topics.CHAPTERS.keySerde().deserializer().deserialize(r.topic(), r.key()))
                .toList();
    }

    static List<MemoryEvent> events(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.EVENTS.name()))
                .map(
                        r ->
                                Topics.EVENTS
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value()))
                .toList();
    }

    static List<DeadLetter> deadLetters(Collection<OutRecord> records) {
        return records.stream()
                .filter(r -> r.topic().equals(Topics.DLQ.name()))
                .map(r -> Topics.DLQ.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .toList();
    }
}
