package dev.longwatch.memory.job;

import dev.longwatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The job ITCases' input: frames written to {@code lw.embeddings}, keyed by stream. */
final class KafkaInputs {
    private KafkaInputs() {}

    /** What stream {@code stream} sends as frame {@code seq}; {@code null} sends nothing. */
    interface FrameValue {
        byte[] of(String stream, long seq);
    }

    /**
     * Frames {@code fromSeq .. toSeq-1} of every stream, a seq at a time across the streams (as
     * cameras interleave), by an idempotent producer, flushed before this returns.
     */
    static void produce(String bootstrapServers, List<String> streams, long fromSeq, long toSeq, FrameValue value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long seq = fromSeq; seq < toSeq; seq++) {
                for (String stream : streams) {
                    byte[] bytes = value.of(stream, seq);
                    if (bytes != null) {
                        producer.send(new ProducerRecord<>(
                                Topics.EMBEDDINGS.name(), stream.getBytes(StandardCharsets.UTF_8), bytes));
                    }
                }
            }
            producer.flush();
        }
    }
}
