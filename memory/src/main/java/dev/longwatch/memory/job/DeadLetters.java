package dev.longwatch.memory.job;

import com.google.protobuf.ByteString;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;

import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;

/** Builds the dead letters of this job: the raw record, why it was refused, and where from. */
public final class DeadLetters {
    public static final String COMPONENT = "longwatch-memory";

    /** Side output of the decoder: records that could not be parsed or checked. */
    public static final OutputTag<OutRecord> TAG = new OutputTag<>("dead-letters") {};

    private DeadLetters() {}

    /** A record refused before parsing finished: keeps its exact bytes and coordinates. */
    public static OutRecord of(RawKafkaRecord raw, String reason, long atMs) {
        DeadLetter.Builder letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(raw.topic())
                        .setPartition(raw.partition())
                        .setOffset(raw.offset())
                        .setReason(reason)
                        .setComponent(COMPONENT)
                        .setAtMs(atMs);
        if (raw.key() != null) {
            letter.setKey(ByteString.copyFrom(raw.key()));
        }
        if (raw.value() != null) {
            letter.setValue(ByteString.copyFrom(raw.value()));
        }
        return OutRecord.deadLetter(raw.key(), letter.build());
    }

    /**
     * A parsed frame the bank refused (for example, a shape that does not fit the stream's bank).
     * The Kafka coordinates are gone by then (partition and offset -1); the value is the frame
     * re-encoded as F32.
     */
    public static OutRecord of(EmbeddingEvent event, String reason, long atMs) {
        byte[] key = event.streamId().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(Topics.EMBEDDINGS.name())
                        .setPartition(-1)
                        .setOffset(-1)
                        .setKey(ByteString.copyFrom(key))
                        .setValue(event.toProto().toByteString())
                        .setReason(reason)
                        .setComponent(COMPONENT)
                        .setAtMs(atMs)
                        .build();
        return OutRecord.deadLetter(key, letter);
    }
}
