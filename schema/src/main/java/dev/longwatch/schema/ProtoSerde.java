package dev.longwatch.schema;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one protobuf message type. A null value stays null (a tombstone); bytes that
 * do not parse throw {@link SerializationException}, which consumers route to the dead-letter
 * topic rather than skip.
 */
public final class ProtoSerde<T extends MessageLite> implements Serde<T> {
    private final Parser<T> parser;

    public ProtoSerde(Parser<T> parser) {
        this.parser = parser;
    }

    public T parse(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("not a valid protobuf message: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, message) -> message == null ? null : message.toByteArray();
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> parse(bytes);
    }
}
