package dev.longwatch.query.registry;

import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import java.util.List;
import java.util.Map;

/**
 * {@link StreamRegistry} on lw.streams, each write acknowledged before the request answers; a
 * purge tombstones lw.memory and lw.chapters the same way.
 */
public final class KafkaStreamRegistry implements StreamRegistry {
    private final TopicWriter<StreamSpec> writer;
    private final TopicWriter<MemorySnapshot> memory;
    private final TopicWriter<Chapter> chapters;

    public KafkaStreamRegistry(
            TopicWriter<StreamSpec> writer, TopicWriter<MemorySnapshot> memory, TopicWriter<Chapter> chapters) {
        this.writer = writer;
        this.memory = memory;
        this.chapters = chapters;
    }

    public static KafkaStreamRegistry create(Map<String, Object> connection, String clientId) {
        return new KafkaStreamRegistry(
                TopicWriter.create(Topics.STREAMS, connection, clientId),
                TopicWriter.create(Topics.MEMORY, connection, clientId + "-memory"),
                TopicWriter.create(Topics.CHAPTERS, connection, clientId + "-chapters"));
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
    public void purge(String streamId, List<String> chapterKeys) {
        memory.write(streamId, null, "the memory of stream '" + streamId + "'");
        for (String key : chapterKeys) {
            chapters.write(key, null, "chapter '" + key + "'");
        }
    }

    @Override
    public void close() {
        writer.close();
        memory.close();
        chapters.close();
    }
}
