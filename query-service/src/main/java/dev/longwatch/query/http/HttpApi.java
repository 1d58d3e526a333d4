package dev.longwatch.query.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.ModelBusyException;
import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.auth.TenantSlots;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.config.TenantLimits;
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
import java.util.List;
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
 * /readyz} and {@code /metrics} (no stream data) stay open. Without tokens every path answers
 * only to the service's own host names and pages ({@link SameOriginFilter}). Request bodies are
 * JSON ({@link JsonContentType}, 415) of at most {@value #MAX_BODY_BYTES} bytes (413); each tenant
 * has limits ({@link TenantLimits}, 429). Errors Jetty raises itself come out in the same JSON
 * shape ({@link JsonErrorHandler}).
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
     * @param policy the host names of an open API and the per-tenant limits
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
            Cluster cluster,
            Policy policy) {

        /** Default policy: an API on 127.0.0.1 with the default limits. */
        public Dependencies(
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
            this(views, registry, asks, readiness, metrics, clock, tokens, subscriptions, answers, cluster,
                    Policy.defaults());
        }

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

    /**
     * What the API allows beyond authentication.
     *
     * @param hosts the names an open API answers to ({@link SameOriginFilter})
     * @param limits what one tenant may hold at once
     */
    public record Policy(AllowedHosts hosts, TenantLimits limits) {
        public static Policy defaults() {
            return new Policy(AllowedHosts.of("127.0.0.1", List.of()), TenantLimits.DEFAULT);
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
        TenantLimits limits = deps.policy().limits();
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
                    // A known path with another method says so (405), instead of "no such route".
                    config.http.prefer405over404 = true;
                    config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
                    config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
                    config.events.handlerAdded(onRoute);
                    config.jsonMapper(new JavalinJackson(mapper, false));
                    config.requestLogger.http((ctx, ms) -> countRequest(deps.metrics(), ctx));
                    SubscriptionResource subscriptions =
                            new SubscriptionResource(
                                    deps.views(),
                                    deps.subscriptions(),
                                    deps.answers(),
                                    deps.asks().model().isPresent(),
                                    bodies,
                                    deps.clock(),
                                    limits.subscriptions(),
                                    new TenantSlots(limits.eventStreams()));
                    config.events.serverStopped(subscriptions::close);
                    routing(
                            config.routes,
                            new Filters(
                                    new SameOriginFilter(deps.tokens(), deps.policy().hosts()),
                                    new AuthFilter(deps.tokens()),
                                    new JsonContentType()),
                            new StreamResource(
                                    deps.views(), deps.registry(), deps.subscriptions(), bodies, deps.clock(), routing,
                                    limits),
                            new AskResource(
                                    deps.views(), deps.asks(), bodies, deps.metrics(), routing,
                                    new TenantSlots(limits.asks())),
                            subscriptions,
                            new FrameResource(deps.views(), routing),
                            new HealthResource(deps.readiness(), deps.metrics()),
                            new StaticResource());
                });
    }

    /** The filters in front of every route, in the order they run. */
    record Filters(SameOriginFilter sameOrigin, AuthFilter auth, JsonContentType contentType) {}

    static void routing(
            RoutesConfig routes,
            Filters filters,
            StreamResource streams,
            AskResource asks,
            SubscriptionResource subscriptions,
            FrameResource frames,
            HealthResource health,
            StaticResource page) {
        // Origin first: an open API tells a foreign page nothing, not even 401 or 415.
        filters.sameOrigin().routing(routes);
        filters.auth().routing(routes);
        filters.contentType().routing(routes);
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
                ApiException.class,
                (e, ctx) -> {
                    e.retryAfterSec().ifPresent(seconds -> ctx.header("Retry-After", Integer.toString(seconds)));
                    error(ctx, e.status(), e.code(), e.getMessage());
                });
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
                (e, ctx) -> error(ctx, e.getStatus(), JsonErrorHandler.codeOf(e.getStatus()), e.getMessage()));
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
