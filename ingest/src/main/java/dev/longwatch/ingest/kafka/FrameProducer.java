package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes frames to {@code lw.frames}, keyed by stream id so one stream's frames stay in one
 * partition, in seq order. Thread-safe (one producer serves every stream of an instance).
 */
public final class FrameProducer implements AutoCloseable {
    /**
     * Record header naming the ingest instance that produced a frame: which instance had a stream
     * when, for operators and the failover test. Not part of the Frame contract.
     */
    public static final String INSTANCE_HEADER = "lw.instance";

    private final Producer<String, Frame> producer;
    private final byte[] instance;

    /**
     * @param clientId the Kafka client id
     * @param instanceId written to every record's {@link #INSTANCE_HEADER}
     */
    public FrameProducer(Map<String, Object> connection, String clientId, String instanceId) {
        this(
                new KafkaProducer<>(
                        ProducerConfigs.idempotent(connection, clientId),
                        Topics.FRAMES.keySerde().serializer(),
                        Topics.FRAMES.valueSerde().serializer()),
                instanceId);
    }

    /** Wraps an existing producer (tests pass a {@code MockProducer}); no instance header. */
    public FrameProducer(Producer<String, Frame> producer) {
        this(producer, null);
    }

    private FrameProducer(Producer<String, Frame> producer, String instanceId) {
        this.producer = producer;
        this.instance = instanceId == null ? null : instanceId.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends asynchronously. {@code callback} runs on the producer's I/O thread, in send order for
     * one stream; a failure there means this frame (and any later one) may be missing.
     */
    public void send(Frame frame, Callback callback) {
        ProducerRecord<String, Frame> record =
                new ProducerRecord<>(Topics.FRAMES.name(), frame.getStreamId(), frame);
        if (instance != null) {
            record.headers().add(INSTANCE_HEADER, instance);
        }
        producer.send(record, callback);
    }

    /** Blocks until every frame sent before this call is acknowledged or has failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
