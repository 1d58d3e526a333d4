package dev.longwatch.query.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** Liveness, readiness and Prometheus metrics. */
final class HealthResource {
    private final Supplier<Readiness> readiness;
    private final PrometheusMeterRegistry metrics;

    HealthResource(Supplier<Readiness> readiness, PrometheusMeterRegistry metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    void routing(RoutesConfig routes) {
        routes.get("/healthz", this::health);
        routes.get("/readyz", this::ready);
        routes.get("/metrics", this::metrics);
    }

    /** The process is up and serving HTTP. */
    private void health(Context ctx) {
        ctx.json(new ApiJson.Status("ok"));
    }

    private void ready(Context ctx) {
        Readiness now = readiness.get();
        if (!now.ready()) {
            throw new ApiException(503, "not_ready", now.detail());
        }
        ctx.json(new ApiJson.Status("ready"));
    }

    private void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
