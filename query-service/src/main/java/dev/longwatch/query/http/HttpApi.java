package dev.longwatch.query.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.ModelBusyException;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.subscriptions.EventAnswerBus;
import dev.longwatch.query.subscriptions.SubscriptionRegistry;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.registry.RegistryUnavailableException;
import dev.longwatch.query.registry.StreamRegistry;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import io.javalin.Javalin;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of design.md on Javalin: {@link #routing} lists every resource, each resource
 * lists its routes next to its private handlers, and errors are mapped here to {@code
 * {"error":{"code","message"}}} with a 4xx/5xx, never a stack trace. Tests start the same app.
 *
 * <p>Everything under {@code /v1} needs a bearer token when tokens are configured ({@link
 * AuthFilter}); {@code /}, {@code /ui/*}, {@code /openapi.json}, {@code /healthz}, {@code
 * /readyz} and {@code /metrics} (no stream data) stay open. Request bodies are limited to
 * {@value #MAX_BODY_BYTES} bytes (413).
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    /** Largest request body accepted; the biggest legitimate one is a 2000-character question. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private HttpApi() {}

    /**
     * The collaborators of the API.
     *
     * @param views what the pipeline produced
     * @param registry where {@code POST/DELETE /v1/streams} write
     * @param asks answers questions
     * @param readiness whether the views can be queried (for {@code /readyz})
     * @param metrics where request counts go, served on {@code /metrics}
     * @param clock stamps {@code created_ms} of new streams and subscriptions
     * @param tokens who may see which streams; none = open
     * @param subscriptions where standing questions are written and read back
     * @param answers the live feed of event answers for SSE clients
     * @param cluster where the other instances are, for streams this one does not own
     */
    public record Dependencies(
            MemoryViews views,
            StreamRegistry registry,
            AskService asks,
            Supplier<Readiness> readiness,
            PrometheusMeterRegistry metrics,
            Clock clock,
            ApiTokens tokens,
            SubscriptionRegistry subscriptions,
            EventAnswerBus answers,
            Cluster cluster) {

        /** A single instance: every stream is answered here. */
        public Dependencies(
                MemoryViews views,
                StreamRegistry registry,
                AskService asks,
                Supplier<Readiness> readiness,
                PrometheusMeterRegistry metrics,
                Clock clock,
                ApiTokens tokens,
                SubscriptionRegistry subscriptions,
                EventAnswerBus answers) {
            this(views, registry, asks, readiness, metrics, clock, tokens, subscriptions, answers,
                    Cluster.single());
        }
    }

    /**
     * This instance among the others of its application id.
     *
     * @param owners which instance owns each stream's partitioned views
     * @param peers timeouts for calls to other instances
     * @param self how this instance names itself in {@value OwnerRouting#HOP_HEADER}
     */
    public record Cluster(StreamOwners owners, PeerSettings peers, String self) {
        public static Cluster single() {
            return new Cluster(StreamOwners.LOCAL, PeerSettings.defaults(LlmSettings.none()), "local");
        }
    }

    /** A configured, not yet started Javalin app; start it with {@code start(host, port)}. */
    public static Javalin create(Dependencies deps) {
        return create(deps, route -> {});
    }

    /** As {@link #create(Dependencies)}, telling {@code onRoute} about every route added. */
    public static Javalin create(Dependencies deps, Consumer<HandlerMetaInfo> onRoute) {
        ObjectMapper mapper =
                JavalinJackson.defaultMapper()
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        RequestBodies bodies = new RequestBodies(mapper);
        OwnerRouting routing =
                new OwnerRouting(
                        deps.cluster().owners(),
                        new PeerClient(deps.cluster().peers()),
                        deps.cluster().self(),
                        mapper,
                        deps.metrics());
        return Javalin.create(
                config -> {
                    config.startup.showJavalinBanner = false;
                    config.http.maxRequestSize = MAX_BODY_BYTES;
                    config.events.handlerAdded(onRoute);
                    config.jsonMapper(new JavalinJackson(mapper, false));
                    config.requestLogger.http((ctx, ms) -> countRequest(deps.metrics(), ctx));
                    routing(
                            config.routes,
                            new AuthFilter(deps.tokens()),
                            new StreamResource(deps.views(), deps.registry(), bodies, deps.clock(), routing),
                            new AskResource(deps.views(), deps.asks(), bodies, deps.metrics(), routing),
                            new SubscriptionResource(
                                    deps.views(),
                                    deps.subscriptions(),
                                    deps.answers(),
                                    deps.asks().model().isPresent(),
                                    bodies,
                                    deps.clock()),
                            new FrameResource(deps.views(), routing),
                            new HealthResource(deps.readiness(), deps.metrics()),
                            new StaticResource());
                });
    }

    static void routing(
            RoutesConfig routes,
            AuthFilter auth,
            StreamResource streams,
            AskResource asks,
            SubscriptionResource subscriptions,
            FrameResource frames,
            HealthResource health,
            StaticResource page) {
        auth.routing(routes);
        streams.routing(routes);
        asks.routing(routes);
        subscriptions.routing(routes);
        frames.routing(routes);
        health.routing(routes);
        page.routing(routes);
        errors(routes);
    }

    private static void errors(RoutesConfig routes) {
        routes.exception(
                ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        routes.exception(
                ViewsUnavailableException.class,
                (e, ctx) -> error(ctx, 503, "unavailable", e.getMessage()));
        routes.exception(
                PeerUnavailableException.class,
                (e, ctx) -> {
                    LOG.warn("Forward failed: {}", e.getMessage());
                    ctx.header("Retry-After", "1");
                    error(ctx, 503, "owner_unavailable", e.getMessage());
                });
        routes.exception(
                RegistryUnavailableException.class,
                (e, ctx) -> error(ctx, 503, "kafka_unavailable", e.getMessage()));
        routes.exception(
                ModelBusyException.class,
                (e, ctx) -> {
                    ctx.header("Retry-After", "1");
                    error(ctx, 503, "llm_busy", e.getMessage());
                });
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
            case 413 -> "body_too_large";
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
