package dev.longwatch.query.subscriptions;

import dev.longwatch.schema.proto.EventAnswer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans event answers out to live SSE clients, per subscription. Keeps the last {@value #REPLAY}
 * answers of each subscription so a client reconnecting with {@code Last-Event-ID} gets what it
 * missed; {@link KafkaEventAnswerFeed} refills this from lw.event-answers after a restart. An
 * answer whose id was seen already (at-least-once redelivery) is not sent again.
 */
public final class EventAnswerBus {
    public static final int REPLAY = 100;

    private final Map<String, ArrayDeque<EventAnswer>> recent = new HashMap<>();
    private final Map<String, List<Consumer<EventAnswer>>> listeners = new HashMap<>();

    /** Records the answer and hands it to the subscription's listeners, once per id. */
    public void publish(EventAnswer answer) {
        List<Consumer<EventAnswer>> targets;
        synchronized (this) {
            ArrayDeque<EventAnswer> kept = recent.computeIfAbsent(answer.getSubscriptionId(), k -> new ArrayDeque<>());
            if (kept.stream().anyMatch(a -> a.getId().equals(answer.getId()))) {
                return;
            }
            kept.addLast(answer);
            if (kept.size() > REPLAY) {
                kept.removeFirst();
            }
            targets = List.copyOf(listeners.getOrDefault(answer.getSubscriptionId(), List.of()));
        }
        targets.forEach(listener -> listener.accept(answer));
    }

    /**
     * Listens to one subscription. With {@code lastEventId}, first replays the kept answers after
     * it (all kept answers when that id is no longer kept: the client dedupes by id).
     *
     * @return closes the listener
     */
    public AutoCloseable listen(String subscriptionId, Optional<String> lastEventId, Consumer<EventAnswer> listener) {
        List<EventAnswer> replay;
        synchronized (this) {
            listeners.computeIfAbsent(subscriptionId, k -> new CopyOnWriteArrayList<>()).add(listener);
            replay = lastEventId.map(id -> after(subscriptionId, id)).orElse(List.of());
        }
        // Sent outside the lock; an answer published meanwhile may arrive twice, never not at all.
        replay.forEach(listener);
        return () -> {
            synchronized (this) {
                List<Consumer<EventAnswer>> list = listeners.get(subscriptionId);
                if (list != null) {
                    list.remove(listener);
                    if (list.isEmpty()) {
                        listeners.remove(subscriptionId);
                    }
                }
            }
        };
    }

    /** How many listeners the subscription has now (SSE clients connected to this instance). */
    public synchronized int listeners(String subscriptionId) {
        return listeners.getOrDefault(subscriptionId, List.of()).size();
    }

    /** The kept answers of a subscription, oldest first. */
    public synchronized List<EventAnswer> recent(String subscriptionId) {
        return List.copyOf(recent.getOrDefault(subscriptionId, new ArrayDeque<>()));
    }

    private List<EventAnswer> after(String subscriptionId, String lastEventId) {
        List<EventAnswer> kept = new ArrayList<>(recent.getOrDefault(subscriptionId, new ArrayDeque<>()));
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).getId().equals(lastEventId)) {
                return List.copyOf(kept.subList(i + 1, kept.size()));
            }
        }
        return kept;
    }
}
