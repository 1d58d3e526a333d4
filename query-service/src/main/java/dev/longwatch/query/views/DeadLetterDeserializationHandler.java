package dev.longwatch.query.views;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose key or value does not parse goes to {@link Topics#DLQ} as a {@link DeadLetter}
 * (raw bytes, where it came from, why) and processing continues: one bad record must not stop
 * the views, and none is skipped silently. Kafka Streams sends the returned dead-letter records
 * through its own producer, in the same commit as the consumed offset.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    static final String COMPONENT = "query-service";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String reason = "deserialization failed: " + exception;
        LOG.warn(
                "Sending record {}-{}@{} to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                Topics.DLQ.name(),
                reason);
        DeadLetter letter =
                DeadLetter.newBuilder()
                        .setSourceTopic(record.topic())
                        .setPartition(record.partition())
                        .setOffset(record.offset())
                        .setKey(bytes(record.key()))
                        .setValue(bytes(record.value()))
                        .setReason(reason)
                        .setComponent(COMPONENT)
                        .setAtMs(System.currentTimeMillis())
                        .build();
        byte[] value = Topics.DLQ.valueSerde().serializer().serialize(Topics.DLQ.name(), letter);
        return Response.resume(
                List.of(new ProducerRecord<>(Topics.DLQ.name(), null, record.key(), value)));
    }

    private static ByteString bytes(byte[] raw) {
        return raw == null ? ByteString.EMPTY : ByteString.copyFrom(raw);
    }
}
