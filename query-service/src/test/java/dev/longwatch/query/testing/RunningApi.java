package dev.longwatch.query.testing;

import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.http.HttpApi;
import dev.longwatch.query.http.Readiness;
import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.subscriptions.EventAnswerBus;
import dev.longwatch.query.views.MemoryViews;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** The real HTTP API on a free loopback port, over the given views. */
public final class RunningApi implements AutoCloseable {
    private final Javalin app;
    private final ApiClient client;
    private final EventAnswerBus answers = new EventAnswerBus();
    private final AskService asks;
    private final List<HandlerMetaInfo> routes = new CopyOnWriteArrayList<>();

    public RunningApi(
            MemoryViews views,
            TestViews topics,
            Optional<ChatModel> model,
            Supplier<Readiness> readiness) {
        this(views, topics, model, readiness, ApiTokens.none(), new ModelSlots(4, Duration.ofSeconds(1)));
    }

    public RunningApi(
            MemoryViews views,
            TestViews topics,
            Optional<ChatModel> model,
            Supplier<Readiness> readiness,
            ApiTokens tokens,
            ModelSlots slots) {
        this(views, topics, model, readiness, tokens, slots, HttpApi.Cluster.single());
    }

    /** One instance of a group: streams {@code cluster} says are elsewhere are forwarded. */
    public RunningApi(
            MemoryViews views,
            TestViews topics,
            Optional<ChatModel> model,
            Supplier<Readiness> readiness,
            ApiTokens tokens,
            ModelSlots slots,
            HttpApi.Cluster cluster) {
        this(views, topics, model, readiness, tokens, slots, cluster, HttpApi.Policy.defaults());
    }

    /** As above, with the given host names and tenant limits. */
    public RunningApi(
            MemoryViews views,
            TestViews topics,
            Optional<ChatModel> model,
            Supplier<Readiness> readiness,
            ApiTokens tokens,
            ModelSlots slots,
            HttpApi.Cluster cluster,
            HttpApi.Policy policy) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        asks = new AskService(views, model, metrics, slots);
        app =
                HttpApi.create(
                                new HttpApi.Dependencies(
                                        views,
                                        topics.registry(),
                                        asks,
                                        readiness,
                                        metrics,
                                        Fixtures.CLOCK,
                                        tokens,
                                        topics.subscriptions(),
                                        answers,
                                        cluster,
                                        policy),
                                routes::add)
                        .start("127.0.0.1", 0);
        client = new ApiClient(app.port());
    }

    public ApiClient client() {
        return client;
    }

    public int port() {
        return app.port();
    }

    /** Where SSE clients of this API listen; tests publish answers here. */
    public EventAnswerBus answers() {
        return answers;
    }

    public AskService asks() {
        return asks;
    }

    /** Every route the app registered (filters included). */
    public List<HandlerMetaInfo> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        app.stop();
    }
}
