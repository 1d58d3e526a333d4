package dev.longwatch.query.http;

import dev.longwatch.query.ask.AskResult;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.TimeWindow;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.MemorySnapshot;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** {@code POST /v1/streams/{id}/ask}: a question about one stream's memory. */
final class AskResource {
    private final MemoryViews views;
    private final AskService asks;
    private final RequestBodies bodies;
    private final Timer latency;

    AskResource(MemoryViews views, AskService asks, RequestBodies bodies, MeterRegistry metrics) {
        this.views = views;
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
        ApiJson.Ask request = bodies.read(ctx, ApiJson.Ask.class);
        String question = request.question() == null ? "" : request.question().strip();
        if (question.isEmpty()) {
            throw ApiException.badRequest("invalid_question", "'question' must not be empty");
        }
        if (question.length() > AskService.MAX_QUESTION_CHARS) {
            throw ApiException.badRequest(
                    "invalid_question",
                    "'question' has " + question.length() + " characters; the limit is "
                            + AskService.MAX_QUESTION_CHARS);
        }
        TimeWindow window = Windows.of(request.fromSec(), request.toSec());
        MemorySnapshot memory = requireMemory(id);
        AskResult result = latency.record(() -> asks.ask(memory, question, window));
        ctx.json(
                new ApiJson.Answer(
                        result.answer(),
                        result.evidence().stream()
                                .map(s -> new ApiJson.Evidence(s.startSec(), s.endSec(), ApiJson.frameUrl(id, s.keyframeSeq())))
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
