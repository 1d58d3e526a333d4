package dev.longwatch.query.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.registry.RegistryUnavailableException;
import dev.longwatch.query.registry.StreamRegistry;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of design.md on Javalin: {@link #routing} lists every resource, each resource
 * lists its routes next to its private handlers, and errors are mapped here to {@code
 * {"error":{"code","message"}}} with a 4xx/5xx, never a stack trace. Tests start the same app.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private HttpApi() {}

    /**
     * The collaborators of the API.
     *
     * @param views what the pipeline produced
     * @param registry where {@code POST/DELETE /v1/streams} write
     * @param asks answers questions
     * @param readiness whether the views can be queried (for {@code /readyz})
     * @param metrics where request counts go, served on {@code /metrics}
     * @param clock stamps {@code created_ms} of new streams
     */
    public record Dependencies(
            MemoryViews views,
            StreamRegistry registry,
            AskService asks,
            Supplier<Readiness> readiness,
            PrometheusMeterRegistry metrics,
            Clock clock) {}

    /** A configured, not yet started Javalin app; start it with {@code start(host, port)}. */
    public static Javalin create(Dependencies deps) {
        ObjectMapper mapper =
                JavalinJackson.defaultMapper()
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        RequestBodies bodies = new RequestBodies(mapper);
        return Javalin.create(
                config -> {
                    config.startup.showJavalinBanner = false;
                    config.jsonMapper(new JavalinJackson(mapper, false));
                    config.requestLogger.http((ctx, ms) -> countRequest(deps.metrics(), ctx));
                    routing(
                            config.routes,
                            new StreamResource(deps.views(), deps.registry(), bodies, deps.clock()),
                            new AskResource(deps.views(), deps.asks(), bodies, deps.metrics()),
                            new FrameResource(deps.views()),
                            new HealthResource(deps.readiness(), deps.metrics()));
                });
    }

    // Later issues add SubscriptionResource (SSE), the web page and openapi.json here, and an
    // auth filter (routes.beforeMatched) in front of /v1.
    static void routing(
            RoutesConfig routes,
            StreamResource streams,
            AskResource asks,
            FrameResource frames,
            HealthResource health) {
        streams.routing(routes);
        asks.routing(routes);
        frames.routing(routes);
        health.routing(routes);
        errors(routes);
    }

    private static void errors(RoutesConfig routes) {
        routes.exception(
                ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        routes.exception(
                ViewsUnavailableException.class,
                (e, ctx) -> error(ctx, 503, "unavailable", e.getMessage()));
        routes.exception(
                RegistryUnavailableException.class,
                (e, ctx) -> error(ctx, 503, "kafka_unavailable", e.getMessage()));
        routes.exception(
                ChatModelException.class,
                (e, ctx) -> {
                    LOG.warn("LLM call failed: {}", e.getMessage());
                    error(ctx, 502, "llm_error", "the language model failed: " + e.getMessage());
                });
        // Javalin's own answers: unknown route, wrong method, ...
        routes.exception(
                HttpResponseException.class,
                (e, ctx) -> error(ctx, e.getStatus(), codeOf(e.getStatus()), e.getMessage()));
        routes.exception(
                Exception.class,
                (e, ctx) -> {
                    LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal", "internal error; see the service log");
                });
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(ApiJson.Error.of(code, message));
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 400 -> "bad_request";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }

    private static void countRequest(PrometheusMeterRegistry metrics, Context ctx) {
        Counter.builder("longwatch.http.requests")
                .description("HTTP requests by route template, method and status")
                .tag("method", ctx.method().name())
                .tag("route", routeOf(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(metrics)
                .increment();
    }

    /** The route template, not the path: one time series per route, not per stream id. */
    private static String routeOf(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
