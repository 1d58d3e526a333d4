package dev.longwatch.memory.job;

import dev.longwatch.schema.DeadLetters.Origin;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;

import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;

/**
 * Builds the dead letters of this job: the raw record, why it was refused, and where from, cut to
 * fit by {@link dev.longwatch.schema.DeadLetters}.
 */
public final class DeadLetters {
    public static final String COMPONENT = "longwatch-memory";

    /** Side output of the decoder: records that could not be parsed or checked. */
    public static final OutputTag<OutRecord> TAG = new OutputTag<>("dead-letters") {};

    private DeadLetters() {}

    /** A record refused before parsing finished: keeps its exact bytes and coordinates. */
    public static OutRecord of(RawKafkaRecord raw, String reason, long atMs) {
        DeadLetter letter =
                dev.longwatch.schema.DeadLetters.of(
                        new Origin(raw.topic(), raw.partition(), raw.offset()), raw.key(), raw.value(), reason, COMPONENT, atMs);
        return OutRecord.deadLetter(dev.longwatch.schema.DeadLetters.recordKey(raw.key()), letter);
    }

    /**
     * A parsed frame the bank refused (for example, a shape that does not fit the stream's bank).
     * The Kafka coordinates are gone by then (partition and offset -1); the value is the frame
     * re-encoded as F32.
     */
    public static OutRecord of(EmbeddingEvent event, String reason, long atMs) {
        byte[] key = event.streamId().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter =
                dev.longwatch.schema.DeadLetters.of(
                        Origin.unknown(Topics.EMBEDDINGS.name()), key, event.toProto().toByteArray(), reason, COMPONENT, atMs);
        return OutRecord.deadLetter(dev.longwatch.schema.DeadLetters.recordKey(key), letter);
    }
}
