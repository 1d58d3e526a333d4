package dev.longwatch.query.subscriptions;

import dev.longwatch.query.registry.RegistryUnavailableException;
import dev.longwatch.query.views.StoreLookup;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link SubscriptionRegistry} on lw.subscriptions: an idempotent producer writes, the global
 * {@value SubscriptionsUpdater#STORE} store of the views reads. The store lags a write by a poll,
 * so this instance's own writes are remembered for {@link #OWN_WRITES} and win until the store
 * shows them: a client may open the SSE feed right after its POST.
 */
public final class KafkaSubscriptionRegistry implements SubscriptionRegistry {
    static final Duration OWN_WRITES = Duration.ofMinutes(1);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, Subscription> producer;
    private final StoreLookup stores;
    private final Clock clock;
    // id → (subscription or empty for a delete, when written); entries expire after OWN_WRITES.
    private final ConcurrentHashMap<String, OwnWrite> ownWrites = new ConcurrentHashMap<>();

    private record OwnWrite(Optional<Subscription> value, long atMs) {}

    public KafkaSubscriptionRegistry(Producer<String, Subscription> producer, StoreLookup stores, Clock clock) {
        this.producer = producer;
        this.stores = stores;
        this.clock = clock;
    }

    public static KafkaSubscriptionRegistry create(String bootstrapServers, String clientId, StoreLookup stores) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        return new KafkaSubscriptionRegistry(
                new KafkaProducer<>(
                        props,
                        Topics.SUBSCRIPTIONS.keySerde().serializer(),
                        Topics.SUBSCRIPTIONS.valueSerde().serializer()),
                stores,
                Clock.systemUTC());
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

    private void send(String id, Subscription value) {
        try {
            producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS.name(), id, value))
                    .get(SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while writing subscription " + id, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RegistryUnavailableException(
                    "could not write subscription '" + id + "' to " + Topics.SUBSCRIPTIONS.name() + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
