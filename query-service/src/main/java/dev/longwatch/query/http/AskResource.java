package dev.longwatch.query.http;

import dev.longwatch.query.ask.AskResult;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.TimeWindow;
import dev.longwatch.query.auth.TenantSlots;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.MemorySnapshot;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code POST /v1/streams/{id}/ask}: a question about one stream's memory. Each tenant has at most
 * {@code asking.max()} asks in progress on the instance that answers them (the stream's owner;
 * an instance that forwards holds none), beyond which 429 {@code too_many_asks}.
 */
final class AskResource {
    private final MemoryViews views;
    private final AskService asks;
    private final RequestBodies bodies;
    private final Timer latency;
    private final OwnerRouting routing;
    private final TenantSlots asking;

    AskResource(
            MemoryViews views,
            AskService asks,
            RequestBodies bodies,
            MeterRegistry metrics,
            OwnerRouting routing,
            TenantSlots asking) {
        this.views = views;
        this.asking = asking;
        this.routing = routing;
        this.asks = asks;
        this.bodies = bodies;
        this.latency = Timer.builder("longwatch.ask.latency")
                .description("Time to answer POST /v1/streams/{id}/ask, LLM call included")
                .register(metrics);
    }

    void routing(RoutesConfig routes) {
        routes.post("/v1/streams/{id}/ask", this::ask);
    }

    private void ask(Context ctx) {
        String id = ctx.pathParam("id");
        AuthFilter.requireVisible(ctx, id);
        if (StreamIds.isValid(id) && routing.forwardedToOwner(ctx, id)) {
            return; // the owner checks the body and answers, model call included
        }
        ApiJson.Ask request = bodies.read(ctx, ApiJson.Ask.class);
        String question = Questions.check(request.question());
        TimeWindow window = Windows.of(request.fromSec(), request.toSec());
        MemorySnapshot memory = requireMemory(id);
        String tenant = AuthFilter.access(ctx).tenant();
        AskResult result;
        try (TenantSlots.Slot slot =
                asking.tryAcquire(tenant)
                        .orElseThrow(() -> ApiException.tooMany(
                                "too_many_asks",
                                "this tenant has " + asking.max() + " asks in progress already; the limit is "
                                        + asking.max(),
                                1))) {
            result = latency.record(() -> asks.ask(memory, question, window));
        }
        ctx.json(
                new ApiJson.Answer(
                        result.answer(),
                        result.evidence().stream()
                                .map(s -> new ApiJson.Evidence(
                                        s.startSec(), s.endSec(), ApiJson.frameUrl(id, memory.getIncarnation(), s.keyframeSeq())))
                                .toList(),
                        result.memoryVersion(),
                        result.llm().map(l -> new ApiJson.Llm(l.model(), l.latencyMs())).orElse(null)));
    }

    private MemorySnapshot requireMemory(String id) {
        if (!StreamIds.isValid(id)) {
            throw ApiException.notFound("unknown stream '" + id + "'");
        }
        return views.memory(id)
                .orElseThrow(
                        () ->
                                views.spec(id).isPresent()
                                        ? new ApiException(404, "no_memory", "stream '" + id + "' has no memory yet")
                                        : ApiException.notFound("unknown stream '" + id + "'"));
    }
}
