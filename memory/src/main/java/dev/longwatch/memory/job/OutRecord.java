package dev.longwatch.memory.job;

import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;

/**
 * A record for the Kafka sink, already serialized with its topic's serdes, so one sink serves all
 * topics and no protobuf object travels between operators.
 *
 * @param topic the destination topic
 * @param key the serialized key (a UTF-8 stream id, or a dead letter's raw key), may be null
 * @param value the serialized value; null for a tombstone on a compacted topic
 */
public record OutRecord(String topic, byte[] key, byte[] value) {

    public static OutRecord snapshot(MemorySnapshot snapshot) {
        String topic = Topics.MEMORY.name();
        return new OutRecord(
                topic,
                Topics.MEMORY.keySerde().serializer().serialize(topic, snapshot.getStreamId()),
                Topics.MEMORY.valueSerde().serializer().serialize(topic, snapshot));
    }

    /** A sealed chapter, keyed {@code stream_id/index} ({@link StreamIds#chapterKey}). */
    public static OutRecord chapter(Chapter chapter) {
        String topic = Topics.CHAPTERS.name();
        return new OutRecord(
                topic,
                Topics.CHAPTERS
                        .keySerde()
                        .serializer()
                        .serialize(
                                topic,
                                StreamIds.chapterKey(chapter.getStreamId(), chapter.getIndex())),
                Topics.CHAPTERS.valueSerde().serializer().serialize(topic, chapter));
    }

    /** Deletes a stream's entry from the compacted {@code lw.memory}. */
    public static OutRecord memoryTombstone(String streamId) {
        String topic = Topics.MEMORY.name();
        return new OutRecord(
                topic, Topics.MEMORY.keySerde().serializer().serialize(topic, streamId), null);
    }

    /** Deletes one sealed chapter from {@code lw.chapters}. */
    public static OutRecord chapterTombstone(String streamId, long index) {
        String topic = Topics.CHAPTERS.name();
        return new OutRecord(
                topic,
                Topics.CHAPTERS
                        .keySerde()
                        .serializer()
                        .serialize(topic, StreamIds.chapterKey(streamId, index)),
                null);
    }

    public static OutRecord event(MemoryEvent event) {
        String topic = Topics.EVENTS.name();
        return new OutRecord(
                topic,
                Topics.EVENTS.keySerde().serializer().serialize(topic, event.getStreamId()),
                Topics.EVENTS.valueSerde().serializer().serialize(topic, event));
    }

    public static OutRecord deadLetter(byte[] rawKey, DeadLetter letter) {
        String topic = Topics.DLQ.name();
        return new OutRecord(
                topic, rawKey, Topics.DLQ.valueSerde().serializer().serialize(topic, letter));
    }
}
