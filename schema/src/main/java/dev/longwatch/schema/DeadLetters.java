package dev.longwatch.schema;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.proto.DeadLetter;
import java.util.Arrays;

/**
 * Builds every component's {@link Topics#DLQ} records so that each one fits in {@link
 * Topics#MAX_MESSAGE_BYTES}: a poison record at the size limit cannot be copied whole into a dead
 * letter that also carries its reason and coordinates, and a dead letter that does not fit is
 * refused by the broker, so the consumer that refused the record would loop on it. What does not
 * fit is cut, and the dead letter says so ({@code truncated}, {@code value_size}).
 */
public final class DeadLetters {
    /** Kafka record key of a dead letter: the raw key, cut to this many bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    /** Reasons are messages for people; a longer one is cut to this many characters. */
    public static final int MAX_REASON_CHARS = 4096;

    /**
     * Room kept under {@link Topics#MAX_MESSAGE_BYTES} for the dead letter's own fields (the key
     * twice, the reason in UTF-8, topic, component) and the Kafka record and batch headers.
     */
    static final int ENVELOPE_BYTES = 32 * 1024;

    /** The largest part of the original value a dead letter carries. */
    public static final int MAX_VALUE_BYTES = Topics.MAX_MESSAGE_BYTES - ENVELOPE_BYTES;

    private DeadLetters() {}

    /**
     * Where a refused record came from.
     *
     * @param topic the topic it was read from
     * @param partition its partition, or -1 when the record was refused after its coordinates
     *     were gone (for example after parsing, inside a Flink operator)
     * @param offset its offset, or -1 as for {@code partition}
     */
    public record Origin(String topic, int partition, long offset) {
        public static Origin unknown(String topic) {
            return new Origin(topic, -1, -1);
        }
    }

    /**
     * The dead letter of one record; {@code key} and {@code value} may be null (a tombstone, a
     * keyless record) and are never changed.
     */
    public static DeadLetter of(
            Origin origin, byte[] key, byte[] value, String reason, String component, long atMs) {
        byte[] safeValue = value == null ? new byte[0] : value;
        boolean truncated = safeValue.length > MAX_VALUE_BYTES;
        return DeadLetter.newBuilder()
                .setSourceTopic(origin.topic())
                .setPartition(origin.partition())
                .setOffset(origin.offset())
                .setKey(ByteString.copyFrom(recordKey(key)))
                .setValue(ByteString.copyFrom(safeValue, 0, Math.min(safeValue.length, MAX_VALUE_BYTES)))
                .setValueSize(safeValue.length)
                .setTruncated(truncated || (key != null && key.length > MAX_KEY_BYTES))
                .setReason(cut(reason == null ? "" : reason))
                .setComponent(component)
                .setAtMs(atMs)
                .build();
    }

    /** The Kafka key to write a dead letter under: the raw key, cut to {@link #MAX_KEY_BYTES}. */
    public static byte[] recordKey(byte[] key) {
        if (key == null) {
            return new byte[0];
        }
        return key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
    }
}
