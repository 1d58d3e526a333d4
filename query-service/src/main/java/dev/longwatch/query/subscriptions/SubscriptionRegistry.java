package dev.longwatch.query.subscriptions;

import dev.longwatch.schema.proto.Subscription;
import java.util.List;
import java.util.Optional;

/**
 * Standing questions on lw.subscriptions (compacted, key = subscription id): written by the API,
 * read back by every instance (a global store), evaluated by {@link StandingQuestionsTopology}.
 * Writes return once durable; they throw
 * {@link dev.longwatch.query.registry.RegistryUnavailableException} otherwise.
 */
public interface SubscriptionRegistry extends AutoCloseable {

    /** Creates or replaces {@code subscription.getId()}. */
    void put(Subscription subscription);

    /** Deletes the subscription (a tombstone). */
    void delete(String id);

    /** The subscription, including this instance's own writes the store has not caught up with. */
    Optional<Subscription> get(String id);

    /** Every subscription, this instance's own recent writes included, ordered by id. */
    List<Subscription> all();

    @Override
    void close();
}
