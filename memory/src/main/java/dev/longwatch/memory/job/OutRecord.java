package dev.longwatch.memory.job;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;

/**
 * A record for the Kafka sink, already serialized with its topic's serdes, so one sink serves all
 * topics and no protobuf object travels between operators.
 *
 * @param topic the destination topic
 * @param key the serialized key (a UTF-8 stream id, or a dead letter's raw key), may be null
 * @param value the serialized value
 */
public record OutRecord(String topic, byte[] key, byte[] value) {

    public static OutRecord snapshot(MemorySnapshot snapshot) {
        String topic = Topics.MEMORY.name();
        return new OutRecord(
                topic,
                Topics.MEMORY.keySerde().serializer().serialize(topic, snapshot.getStreamId()),
                Topics.MEMORY.valueSerde().serializer().serialize(topic, snapshot));
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
