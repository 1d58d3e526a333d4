package dev.longwatch.query.registry;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.StreamSpec;
import java.util.Map;

/** {@link StreamRegistry} on lw.streams, each write acknowledged before the request answers. */
public final class KafkaStreamRegistry implements StreamRegistry {
    private final TopicWriter<StreamSpec> writer;

    public KafkaStreamRegistry(TopicWriter<StreamSpec> writer) {
        this.writer = writer;
    }

    public static KafkaStreamRegistry create(Map<String, Object> connection, String clientId) {
        return new KafkaStreamRegistry(TopicWriter.create(Topics.STREAMS, connection, clientId));
    }

    @Override
    public void put(StreamSpec spec) {
        writer.write(spec.getId(), spec, "stream '" + spec.getId() + "'");
    }

    @Override
    public void delete(String streamId) {
        writer.write(streamId, null, "stream '" + streamId + "'");
    }

    @Override
    public void close() {
        writer.close();
    }
}
