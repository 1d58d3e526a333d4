package dev.longwatch.memory.job;

import dev.longwatch.schema.Topics;
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
                .filter(r -> r.topic().equals(Topics.MEMORY.name()))
                .map(
                        r ->
                                Topics.MEMORY
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value()))
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
