package dev.longwatch.query.testing;

import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.http.HttpApi;
import dev.longwatch.query.http.Readiness;
import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.views.MemoryViews;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/** The real HTTP API on a free loopback port, over the given views. */
public final class RunningApi implements AutoCloseable {
    private final Javalin app;
    private final ApiClient client;

    public RunningApi(
            MemoryViews views,
            TestViews topics,
            Optional<ChatModel> model,
            Supplier<Readiness> readiness) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        app =
                HttpApi.create(
                                new HttpApi.Dependencies(
                                        views,
                                        topics.registry(),
                                        new AskService(views, model, metrics),
                                        readiness,
                                        metrics,
                                        Fixtures.CLOCK))
                        .start("127.0.0.1", 0);
        client = new ApiClient(app.port());
    }

    public ApiClient client() {
        return client;
    }

    @Override
    public void close() {
        app.stop();
    }
}
