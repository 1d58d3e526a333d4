package dev.longwatch.ingest.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one raw {@code lw.streams} record, exactly as ingest's control loop does: a spec, a
 * tombstone, or poison with the reason it goes to {@code lw.dlq}. Pure, so that the fuzz test
 * drives the same decode path the service uses.
 */
public final class ControlRecords {
    /**
     * A spec is an id, a URI and two numbers: anything near this size is not one. The topic takes
     * records up to {@link Topics#MAX_MESSAGE_BYTES}; a record above this is dead-lettered
     * unparsed rather than handed to the protobuf parser.
     */
    public static final int MAX_SPEC_BYTES = 64 * 1024;

    private ControlRecords() {}

    /** What a record on {@code lw.streams} means to ingest. */
    public sealed interface Parsed {}

    /** Create, change, enable or disable stream {@code id}. */
    public record Spec(String id, StreamSpec spec) implements Parsed {}

    /** Stream {@code id} was deleted. */
    public record Tombstone(String id) implements Parsed {}

    /** Not a control record: dead-lettered with {@code reason}, and the loop goes on. */
    public record Poison(String reason) implements Parsed {}

    public static Parsed parse(byte[] key, byte[] value) {
        if (key == null) {
            return new Poison("record without a key (a stream id is required)");
        }
        String id;
        try {
            id = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Poison("key is not UTF-8");
        }
        if (!StreamIds.isValid(id)) {
            return new Poison("key is not a valid stream id: '" + printable(id) + "'");
        }
        if (value == null) {
            return new Tombstone(id);
        }
        if (value.length > MAX_SPEC_BYTES) {
            return new Poison("oversized: " + value.length + " bytes, a stream spec is at most " + MAX_SPEC_BYTES);
        }
        StreamSpec spec;
        try {
            spec = StreamSpec.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return new Poison("not a StreamSpec: " + e.getMessage());
        }
        if (!spec.getId().isEmpty() && !spec.getId().equals(id)) {
            return new Poison("spec id '" + printable(spec.getId()) + "' differs from the record key '" + id + "'");
        }
        return new Spec(id, spec);
    }

    /** At most 80 characters, control characters shown as '?', for reasons and logs. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.length() > 80 ? b + "..." : b.toString();
    }
}
