package dev.longwatch.query.views;

import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@link MemoryViews} over the stores of {@link ViewsTopology}, read with interactive queries. */
public final class KafkaStreamsMemoryViews implements MemoryViews {
    private final StoreLookup stores;

    public KafkaStreamsMemoryViews(StoreLookup stores) {
        this.stores = stores;
    }

    /** Views over the local stores of a running {@code KafkaStreams} built from ViewsTopology. */
    public static KafkaStreamsMemoryViews of(KafkaStreams streams) {
        return new KafkaStreamsMemoryViews(
                new StoreLookup() {
                    @Override
                    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
                        return streams.store(
                                StoreQueryParameters.fromNameAndType(
                                        name, QueryableStoreTypes.<K, V>keyValueStore()));
                    }
                });
    }

    @Override
    public Optional<MemorySnapshot> memory(String streamId) {
        Optional<MemorySnapshot> memory = get(ViewsTopology.MEMORY_STORE, streamId);
        return memory.filter(m -> Incarnations.current(spec(streamId), m.getIncarnation()));
    }

    @Override
    public List<Chapter> chapters(String streamId) {
        // Keys are StreamIds.chapterKey(id, index): "streamId/index". Stream ids cannot contain
        // '/', so the range from "id/" to "id/~" ('~' sorts after every digit and '-') holds this
        // stream's chapters and no other's. The index is not zero-padded: key order is not index
        // order, hence the sort.
        String prefix = streamId + "/";
        Optional<StreamSpec> spec = spec(streamId);
        return read(
                ViewsTopology.CHAPTERS_STORE,
                () -> {
                    ReadOnlyKeyValueStore<String, Chapter> store =
                            stores.keyValueStore(ViewsTopology.CHAPTERS_STORE);
                    List<Chapter> chapters = new ArrayList<>();
                    try (KeyValueIterator<String, Chapter> it = store.range(prefix, prefix + "~")) {
                        while (it.hasNext()) {
                            KeyValue<String, Chapter> entry = it.next();
                            if (entry.value != null && Incarnations.current(spec, entry.value.getIncarnation())) {
                                chapters.add(entry.value);
                            }
                        }
                    }
                    chapters.sort(Comparator.comparingLong(Chapter::getIndex));
                    return chapters;
                });
    }

    @Override
    public Optional<Chapter> chapter(String streamId, long index) {
        Optional<Chapter> chapter = get(ViewsTopology.CHAPTERS_STORE, StreamIds.chapterKey(streamId, index));
        return chapter.filter(c -> Incarnations.current(spec(streamId), c.getIncarnation()));
    }

    @Override
    public List<String> chapterKeys(String streamId) {
        String prefix = streamId + "/";
        return read(
                ViewsTopology.CHAPTERS_STORE,
                () -> {
                    ReadOnlyKeyValueStore<String, Chapter> store = stores.keyValueStore(ViewsTopology.CHAPTERS_STORE);
                    List<String> keys = new ArrayList<>();
                    try (KeyValueIterator<String, Chapter> it = store.range(prefix, prefix + "~")) {
                        it.forEachRemaining(entry -> keys.add(entry.key));
                    }
                    return keys;
                });
    }

    @Override
    public Optional<StreamSpec> spec(String streamId) {
        return get(ViewsTopology.STREAMS_STORE, streamId);
    }

    @Override
    public Optional<StreamStatus> status(String streamId) {
        Optional<StreamStatus> status = get(ViewsTopology.STATUS_STORE, streamId);
        return status.filter(s -> Incarnations.current(spec(streamId), s.getIncarnation()));
    }

    @Override
    public List<StreamSpec> specs() {
        return read(
                ViewsTopology.STREAMS_STORE,
                () -> {
                    ReadOnlyKeyValueStore<String, StreamSpec> store =
                            stores.keyValueStore(ViewsTopology.STREAMS_STORE);
                    List<StreamSpec> all = new ArrayList<>();
                    // The store iterates in key order, so the list comes out ordered by id.
                    try (KeyValueIterator<String, StreamSpec> it = store.all()) {
                        while (it.hasNext()) {
                            KeyValue<String, StreamSpec> entry = it.next();
                            if (entry.value != null) {
                                all.add(entry.value);
                            }
                        }
                    }
                    return all;
                });
    }

    @Override
    public Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq) {
        if (seq < 0 || incarnation < 0 || !Incarnations.current(spec(streamId), incarnation)) {
            return Optional.empty();
        }
        return get(ViewsTopology.KEYFRAMES_STORE, FrameKeys.key(streamId, incarnation, seq));
    }

    private <V> Optional<V> get(String storeName, String key) {
        return read(
                storeName,
                () -> {
                    ReadOnlyKeyValueStore<String, V> store = stores.keyValueStore(storeName);
                    return Optional.ofNullable(store.get(key));
                });
    }

    private static <T> T read(String storeName, Supplier<T> query) {
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            throw new ViewsUnavailableException(
                    "store '" + storeName + "' cannot be queried right now: " + e.getMessage(), e);
        }
    }
}
