package dev.longwatch.query.subscriptions;

import dev.longwatch.query.registry.TopicWriter;
import dev.longwatch.query.views.StoreLookup;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link SubscriptionRegistry} on lw.subscriptions: an idempotent producer writes, the global
 * {@value SubscriptionsUpdater#STORE} store of the views reads. The store lags a write by a poll,
 * so this instance's own writes are remembered for {@link #OWN_WRITES} and win until the store
 * shows them: a client may open the SSE feed right after its POST.
 */
public final class KafkaSubscriptionRegistry implements SubscriptionRegistry {
    static final Duration OWN_WRITES = Duration.ofMinutes(1);
    private final TopicWriter<Subscription> writer;
    private final StoreLookup stores;
    private final Clock clock;
    // id → (subscription or empty for a delete, when written); entries expire after OWN_WRITES.
    private final ConcurrentHashMap<String, OwnWrite> ownWrites = new ConcurrentHashMap<>();

    private record OwnWrite(Optional<Subscription> value, long atMs) {}

    public KafkaSubscriptionRegistry(TopicWriter<Subscription> writer, StoreLookup stores, Clock clock) {
        this.writer = writer;
        this.stores = stores;
        this.clock = clock;
    }

    public static KafkaSubscriptionRegistry create(Map<String, Object> connection, String clientId, StoreLookup stores) {
        return new KafkaSubscriptionRegistry(
                TopicWriter.create(Topics.SUBSCRIPTIONS, connection, clientId), stores, Clock.systemUTC());
    }

    @Override
    public void put(Subscription subscription) {
        send(subscription.getId(), subscription);
        ownWrites.put(subscription.getId(), new OwnWrite(Optional.of(subscription), clock.millis()));
    }

    @Override
    public void delete(String id) {
        send(id, null);
        ownWrites.put(id, new OwnWrite(Optional.empty(), clock.millis()));
    }

    @Override
    public Optional<Subscription> get(String id) {
        Optional<Subscription> stored;
        try {
            ReadOnlyKeyValueStore<String, Subscription> store = stores.keyValueStore(SubscriptionsUpdater.STORE);
            stored = Optional.ofNullable(store.get(id));
        } catch (InvalidStateStoreException e) {
            throw new ViewsUnavailableException("subscriptions cannot be read right now: " + e.getMessage(), e);
        }
        OwnWrite own = ownWrites.get(id);
        if (own == null) {
            return stored;
        }
        if (clock.millis() - own.atMs() > OWN_WRITES.toMillis() || own.value().equals(stored)) {
            ownWrites.remove(id, own); // the store has caught up (or it is too old to matter)
            return stored;
        }
        return own.value();
    }

    @Override
    public List<Subscription> all() {
        TreeMap<String, Subscription> out = new TreeMap<>();
        try {
            ReadOnlyKeyValueStore<String, Subscription> store = stores.keyValueStore(SubscriptionsUpdater.STORE);
            try (KeyValueIterator<String, Subscription> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Subscription> entry = it.next();
                    if (entry.value != null) {
                        out.put(entry.key, entry.value);
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new ViewsUnavailableException("subscriptions cannot be read right now: " + e.getMessage(), e);
        }
        long now = clock.millis();
        for (var own : List.copyOf(ownWrites.entrySet())) {
            if (now - own.getValue().atMs() > OWN_WRITES.toMillis()) {
                continue; // the store has it (or it is too old to matter)
            }
            own.getValue().value().ifPresentOrElse(s -> out.put(own.getKey(), s), () -> out.remove(own.getKey()));
        }
        return new ArrayList<>(out.values());
    }

    private void send(String id, Subscription value) {
        writer.write(id, value, "subscription '" + id + "'");
    }

    @Override
    public void close() {
        writer.close();
    }
}
