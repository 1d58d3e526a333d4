package dev.longwatch.query.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.auth.Access;
import dev.longwatch.query.auth.TenantSlots;
import dev.longwatch.query.subscriptions.EventAnswerBus;
import dev.longwatch.query.subscriptions.SubscriptionRegistry;
import dev.longwatch.query.views.Incarnations;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.Subscription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/subscriptions}: standing questions. POST writes one to lw.subscriptions, DELETE
 * tombstones it, and {@code GET /{id}/events} streams its matches as Server-Sent Events
 * ({@code event: answer}, {@code id:} the answer id, {@code data:} the JSON answer). A client that
 * reconnects with {@code Last-Event-ID} first gets what it missed. Without a model, subscriptions
 * are accepted but not evaluated, and the POST answer says so ({@code "evaluated": false}).
 * Each tenant may have {@code maxSubscriptions} subscriptions (over the streams its scope sees)
 * and {@code eventStreams.max()} open event streams on this instance; beyond either, 429. Every
 * open stream gets a comment every {@link #HEARTBEAT}: a client that went away without closing
 * (a dropped network) is noticed by the failing write, and its slot freed, even on a quiet
 * subscription.
 */
final class SubscriptionResource {
    static final int DEFAULT_COOLDOWN_SEC = 60;
    static final int MAX_COOLDOWN_SEC = 24 * 3600;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MemoryViews views;
    private final SubscriptionRegistry registry;
    private final EventAnswerBus answers;
    private final boolean evaluated;
    private final RequestBodies bodies;
    private final Clock clock;
    private final int maxSubscriptions;
    private final TenantSlots eventStreams;
    // The event streams open on this instance, each from its greeting until it closes.
    private final Set<SseClient> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "sse-heartbeat");
                thread.setDaemon(true);
                return thread;
            });

    SubscriptionResource(
            MemoryViews views,
            SubscriptionRegistry registry,
            EventAnswerBus answers,
            boolean evaluated,
            RequestBodies bodies,
            Clock clock,
            int maxSubscriptions,
            TenantSlots eventStreams) {
        this.views = views;
        this.maxSubscriptions = maxSubscriptions;
        this.eventStreams = eventStreams;
        heartbeats.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        this.registry = registry;
        this.answers = answers;
        this.evaluated = evaluated;
        this.bodies = bodies;
        this.clock = clock;
    }

    void routing(RoutesConfig routes) {
        routes.post("/v1/subscriptions", this::create);
        routes.get("/v1/subscriptions/{id}", this::get);
        routes.delete("/v1/subscriptions/{id}", this::delete);
        routes.get("/v1/subscriptions/{id}/events", this::events);
    }

    private void create(Context ctx) {
        ApiJson.CreateSubscription request = bodies.read(ctx, ApiJson.CreateSubscription.class);
        String streamId = request.streamId();
        if (!StreamIds.isValid(streamId)) {
            throw ApiException.badRequest("invalid_id", "invalid stream id '" + streamId + "'");
        }
        AuthFilter.requireVisible(ctx, streamId);
        StreamSpec spec =
                views.spec(streamId).orElseThrow(() -> ApiException.notFound("unknown stream '" + streamId + "'"));
        String question = Questions.check(request.question());
        int cooldown = cooldown(request.cooldownSec());
        requireRoomForASubscription(AuthFilter.access(ctx));
        Subscription subscription =
                Subscription.newBuilder()
                        .setId("sub-" + UUID.randomUUID())
                        .setStreamId(streamId)
                        .setQuestion(question)
                        .setCooldownS(cooldown)
                        .setCreatedMs(clock.millis())
                        // Asks about this stream only: never about one created later under its id.
                        .setStreamIncarnation(spec.getCreatedMs())
                        .build();
        registry.put(subscription);
        ctx.status(201).header("Location", "/v1/subscriptions/" + subscription.getId());
        ctx.json(view(subscription));
    }

    /** The cooldown asked for, or the default; 400 unless 1..{@value #MAX_COOLDOWN_SEC}. */
    static int cooldown(Integer requested) {
        int cooldown = requested == null ? DEFAULT_COOLDOWN_SEC : requested;
        if (cooldown < 1 || cooldown > MAX_COOLDOWN_SEC) {
            throw ApiException.badRequest(
                    "invalid_cooldown", "'cooldownSec' must be 1.." + MAX_COOLDOWN_SEC + ", got " + cooldown);
        }
        return cooldown;
    }

    /** 429 when the tenant has {@code maxSubscriptions} on the streams its scope can see. */
    private void requireRoomForASubscription(Access access) {
        long held = registry.all().stream().filter(s -> access.canSee(s.getStreamId())).count();
        if (held >= maxSubscriptions) {
            throw ApiException.tooMany(
                    "too_many_subscriptions",
                    "this tenant has " + held + " subscriptions; the limit is " + maxSubscriptions
                            + ": delete one first",
                    60);
        }
    }

    private void get(Context ctx) {
        ctx.json(view(require(ctx)));
    }

    private void delete(Context ctx) {
        registry.delete(require(ctx).getId());
        ctx.status(204);
    }

    private void events(Context ctx) {
        Subscription subscription = require(ctx);
        Optional<String> lastEventId =
                Optional.ofNullable(ctx.header("Last-Event-ID"))
                        .or(() -> Optional.ofNullable(ctx.queryParam("lastEventId")))
                        .filter(id -> !id.isBlank());
        String tenant = AuthFilter.access(ctx).tenant();
        TenantSlots.Slot slot =
                eventStreams.tryAcquire(tenant)
                        .orElseThrow(() -> ApiException.tooMany(
                                "too_many_event_streams",
                                "this tenant has " + eventStreams.max() + " event streams open on this instance;"
                                        + " close one first",
                                5));
        // Checked above with a normal JSON error; only then does the connection become a stream.
        try {
            new SseHandler(client -> stream(client, subscription.getId(), lastEventId, slot)).handle(ctx);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private void stream(SseClient client, String subscriptionId, Optional<String> lastEventId, TenantSlots.Slot slot) {
        client.keepAlive();
        AutoCloseable listening;
        // The greeting says the listener is registered: sent before registering, an answer
        // published in between was lost to this client (a client that reads the greeting and
        // then triggers an answer waited for ever). Under the client's lock, answers the bus
        // hands over meanwhile wait for it; replayed ones (Last-Event-ID) come before it.
        synchronized (client) {
            listening = answers.listen(subscriptionId, lastEventId, answer -> send(client, answer));
            client.sendComment("subscription " + subscriptionId + (evaluated ? "" : "; no language model configured, nothing will be evaluated"));
        }
        // The listener and the tenant's slot are the connection's: both go when it closes.
        Runnable release =
                () -> {
                    open.remove(client);
                    slot.close();
                    try {
                        listening.close();
                    } catch (Exception e) {
                        LOG.debug("closing SSE listener", e);
                    }
                };
        open.add(client);
        client.onClose(release);
        if (client.terminated()) {
            release.run(); // gone before the callback was set: it will not be called
        }
    }

    /** A comment to every open stream; a write that fails closes the stream (and frees its slot). */
    private void beat() {
        for (SseClient client : open) {
            synchronized (client) {
                if (!client.terminated()) {
                    try {
                        client.sendComment("keep-alive");
                    } catch (RuntimeException e) {
                        LOG.debug("SSE client gone: {}", e.toString());
                    }
                }
            }
        }
    }

    /** Stops the heartbeats; the server is stopping. */
    void close() {
        heartbeats.shutdownNow();
    }

    private static void send(SseClient client, EventAnswer answer) {
        // The bus calls from its own thread; one client's events must not interleave.
        synchronized (client) {
            if (client.terminated()) {
                return;
            }
            try {
                client.sendEvent("answer", JSON.writeValueAsString(ApiJson.EventAnswerView.of(answer)), answer.getId());
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.debug("SSE client gone: {}", e.toString());
            }
        }
    }

    /**
     * The subscription of the path, 404 also when its stream was deleted since (the delete
     * tombstones it too, but that write may lag or have failed).
     */
    private Subscription require(Context ctx) {
        String id = ctx.pathParam("id");
        Subscription subscription =
                registry.get(id).orElseThrow(() -> ApiException.notFound("unknown subscription '" + id + "'"));
        AuthFilter.requireVisible(ctx, subscription.getStreamId());
        if (!Incarnations.current(views.spec(subscription.getStreamId()), subscription.getStreamIncarnation())) {
            throw ApiException.notFound("unknown subscription '" + id + "' (its stream was deleted)");
        }
        return subscription;
    }

    private ApiJson.SubscriptionView view(Subscription s) {
        return new ApiJson.SubscriptionView(
                s.getId(),
                s.getStreamId(),
                s.getQuestion(),
                s.getCooldownS(),
                evaluated,
                evaluated
                        ? null
                        : "no language model is configured (LONGWATCH_LLM_URL): the subscription is kept"
                                + " but not evaluated until the service runs with a model");
    }
}
