package dev.longwatch.memory.job;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Routes each {@link OutRecord} to its own topic; the bytes are already serialized. */
public final class OutRecordSerializer implements KafkaRecordSerializationSchema<OutRecord> {

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            OutRecord record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(record.topic(), null, timestamp, record.key(), record.value());
    }
}
