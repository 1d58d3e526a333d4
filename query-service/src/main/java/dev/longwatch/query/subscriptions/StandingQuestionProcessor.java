package dev.longwatch.query.subscriptions;

import dev.longwatch.query.ask.ModelBusyException;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.views.Incarnations;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.DeadLetters;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On each NOVELTY or GAP of lw.events, evaluates the stream's standing questions whose cooldown
 * has passed, and forwards matches to lw.event-answers. The cooldown counts wall-clock time since
 * the subscription's last evaluation, so it bounds model calls whatever the media speed.
 *
 * <p>The model call blocks this stream thread; that is the point: the event's offset is committed
 * only after its answers are written, so a crash re-evaluates instead of losing a match (the
 * answer id is the same, clients dedupe). A question the model cannot answer (error, timeout,
 * busy, reply off the schema) goes to lw.dlq with the reason: nothing is dropped silently.
 */
final class StandingQuestionProcessor implements Processor<String, MemoryEvent, Object, Object> {
    static final String LAST_EVALUATED_STORE = "standing-last-evaluated";
    static final String ANSWERS_SINK = "event-answers-sink";
    static final String DLQ_SINK = "dead-letters-sink";
    private static final Duration SWEEP = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(StandingQuestionProcessor.class);

    private final MemoryViews views;
    private final StandingEvaluator evaluator;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Subscription> subscriptions;
    // Subscription id → wall ms of its last evaluation. An entry lives as long as its
    // subscription: the sweep deletes entries whose subscription is gone.
    private KeyValueStore<String, Long> lastEvaluated;

    StandingQuestionProcessor(MemoryViews views, StandingEvaluator evaluator) {
        this.views = views;
        this.evaluator = evaluator;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.subscriptions = context.getStateStore(SubscriptionsUpdater.STORE);
        this.lastEvaluated = context.getStateStore(LAST_EVALUATED_STORE);
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    public void process(Record<String, MemoryEvent> record) {
        MemoryEvent event = record.value();
        if (event == null || record.key() == null
                || (event.getKind() != EventKind.NOVELTY && event.getKind() != EventKind.GAP)) {
            return; // START/END and malformed keys wake nothing
        }
        List<Subscription> due = due(record.key(), event.getIncarnation(), context.currentSystemTimeMs());
        if (due.isEmpty()) {
            return;
        }
        Optional<MemorySnapshot> memory;
        String missing = "no memory of stream '" + record.key() + "' to answer from yet";
        try {
            memory = views.memory(record.key());
        } catch (ViewsUnavailableException e) {
            memory = Optional.empty();
            missing = "the memory of stream '" + record.key() + "' cannot be read now: " + e.getMessage();
        }
        for (Subscription subscription : due) {
            // Written before the call: a failing model is not asked again before the cooldown.
            lastEvaluated.put(subscription.getId(), context.currentSystemTimeMs());
            if (memory.isEmpty()) {
                deadLetter(record, subscription, missing);
                continue;
            }
            try {
                evaluator.evaluate(subscription, memory.get(), event)
                        .ifPresent(answer -> context.forward(
                                new Record<>(answer.getStreamId(), (Object) answer, record.timestamp()), ANSWERS_SINK));
            } catch (ChatModelException | ModelBusyException | ViewsUnavailableException e) {
                // ViewsUnavailableException: a keyframe on another instance could not be read.
                LOG.warn("Standing question {} not answered: {}", subscription.getId(), e.getMessage());
                deadLetter(record, subscription, "standing question not answered: " + e.getMessage());
            }
        }
    }

    /**
     * The stream's subscriptions whose cooldown has passed at {@code nowMs}, of the incarnation the
     * event comes from and the stream has now: one of a deleted stream never fires, also not for
     * a stream created again under its id.
     */
    private List<Subscription> due(String streamId, long eventIncarnation, long nowMs) {
        List<Subscription> out = new ArrayList<>();
        // Unreadable specs fail the thread, which is replaced and retries this event.
        Optional<StreamSpec> spec = views.spec(streamId);
        // A scan of all subscriptions: they are few (people write them), events are rate-limited.
        try (KeyValueIterator<String, Subscription> it = subscriptions.all()) {
            while (it.hasNext()) {
                Subscription s = it.next().value;
                if (s == null || !s.getStreamId().equals(streamId)
                        || !Incarnations.current(spec, s.getStreamIncarnation())
                        || eventIncarnation != 0 && s.getStreamIncarnation() != 0
                                && eventIncarnation != s.getStreamIncarnation()) {
                    continue;
                }
                Long last = lastEvaluated.get(s.getId());
                if (last == null || nowMs - last >= s.getCooldownS() * 1000L) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private void sweep() {
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = lastEvaluated.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (subscriptions.get(entry.key) == null) {
                    gone.add(entry.key);
                }
            }
        }
        gone.forEach(lastEvaluated::delete); // the subscription was deleted: its cooldown dies too
    }

    private void deadLetter(Record<String, MemoryEvent> record, Subscription subscription, String reason) {
        DeadLetters.Origin origin =
                context.recordMetadata()
                        .map(m -> new DeadLetters.Origin(Topics.EVENTS.name(), m.partition(), m.offset()))
                        .orElse(DeadLetters.Origin.unknown(Topics.EVENTS.name()));
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        DeadLetter letter =
                DeadLetters.of(
                        origin,
                        key,
                        record.value().toByteArray(),
                        "subscription " + subscription.getId() + ": " + reason,
                        "query-service/standing-questions",
                        context.currentSystemTimeMs());
        context.forward(new Record<>((Object) DeadLetters.recordKey(key), (Object) letter, record.timestamp()), DLQ_SINK);
    }
}
