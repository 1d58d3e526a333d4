package dev.longwatch.ingest.kafka;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Frame;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes frames to {@code lw.frames}, keyed by stream id so one stream's frames stay in one
 * partition, in seq order. Thread-safe (one producer serves every stream of an instance).
 */
public final class FrameProducer implements AutoCloseable {
    private final Producer<String, Frame> producer;

    public FrameProducer(String bootstrapServers, String clientId) {
        this(
                new KafkaProducer<>(
                        ProducerConfigs.idempotent(bootstrapServers, clientId),
                        Topics.FRAMES.keySerde().serializer(),
                        Topics.FRAMES.valueSerde().serializer()));
    }

    /** Wraps an existing producer (tests pass a {@code MockProducer}). */
    public FrameProducer(Producer<String, Frame> producer) {
        this.producer = producer;
    }

    /**
     * Sends asynchronously. {@code callback} runs on the producer's I/O thread, in send order for
     * one stream; a failure there means this frame (and any later one) may be missing.
     */
    public void send(Frame frame, Callback callback) {
        producer.send(
                new ProducerRecord<>(Topics.FRAMES.name(), frame.getStreamId(), frame), callback);
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
