package dev.longwatch.query;

import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.BindPolicy;
import dev.longwatch.query.cluster.KafkaStreamsOwners;
import dev.longwatch.query.http.PeerMemoryViews;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.http.HttpApi;
import dev.longwatch.query.http.Readiness;
import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.llm.OpenAiChatModel;
import dev.longwatch.query.registry.KafkaStreamRegistry;
import dev.longwatch.query.registry.StreamRegistry;
import dev.longwatch.query.subscriptions.EventAnswerBus;
import dev.longwatch.query.subscriptions.KafkaEventAnswerFeed;
import dev.longwatch.query.subscriptions.KafkaSubscriptionRegistry;
import dev.longwatch.query.subscriptions.StandingEvaluator;
import dev.longwatch.query.subscriptions.StandingQuestionsTopology;
import dev.longwatch.query.views.StoreLookup;
import dev.longwatch.query.views.KafkaStreamsMemoryViews;
import dev.longwatch.query.views.ViewsTopology;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query service: Kafka Streams views of the memory, and the HTTP API over them.
 *
 * <pre>{@code
 * try (QueryService service = new QueryService(QueryServiceSettings.fromEnv())) {
 *     service.start();            // returns once HTTP is listening
 *     int port = service.port();  // the real port, also when settings asked for 0
 * }
 * }</pre>
 *
 * HTTP answers from the start; {@code /readyz} says 503 until Kafka Streams is RUNNING, and view
 * reads answer 503 while the stores are not queryable. With a model, a second Kafka Streams app
 * evaluates standing questions ({@link StandingQuestionsTopology}); a consumer feeds their
 * answers to SSE clients ({@link KafkaEventAnswerFeed}). Without API tokens the service refuses to
 * bind anything but loopback ({@link BindPolicy}).
 */
public final class QueryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final QueryServiceSettings settings;
    private final Optional<ChatModel> model;
    // Read by HTTP threads for /readyz.
    private volatile KafkaStreams streams;
    private StreamRegistry registry;
    private KafkaSubscriptionRegistry subscriptions;
    private KafkaStreams standing;
    private KafkaEventAnswerFeed feed;
    private PrometheusMeterRegistry metrics;
    private Javalin http;
    // Set once HTTP listens (its real port); read by HTTP threads through KafkaStreamsOwners.
    private volatile HostInfo advertised;
    // Names this instance in the hop header of requests it forwards (for the owner's logs).
    private final String instanceName = "query-" + UUID.randomUUID().toString().substring(0, 8);
    private boolean closed;

    /** A service whose LLM, if any, comes from {@code settings.llm()}. */
    public QueryService(QueryServiceSettings settings) {
        this(settings, settings.llm().configured() ? Optional.of(new OpenAiChatModel(settings.llm())) : Optional.empty());
    }

    /** A service with the given model (or none: evidence-only); the service closes it. */
    public QueryService(QueryServiceSettings settings, Optional<ChatModel> model) {
        this.settings = settings;
        this.model = model;
    }

    /**
     * Starts the HTTP server, then the views; returns once HTTP is listening. HTTP goes first
     * because the views publish the real HTTP port to the other instances ({@code
     * application.server}); until the views run, view reads answer 503.
     */
    public synchronized void start() {
        if (http != null || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        BindPolicy.check(settings.bindHost(), settings.tokens());
        registry = KafkaStreamRegistry.create(settings.kafkaConnection(), settings.applicationId() + "-registry");
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("longwatch.query.active.tasks", this::activeTasks)
                .description("Kafka Streams tasks (partitions of lw.memory + lw.frames) this instance owns")
                .register(metrics);
        StoreLookup stores = new RunningStores(() -> streams);
        KafkaStreamsMemoryViews views = new KafkaStreamsMemoryViews(stores);
        KafkaStreamsOwners owners = new KafkaStreamsOwners(() -> streams, () -> advertised);
        subscriptions =
                KafkaSubscriptionRegistry.create(
                        settings.kafkaConnection(), settings.applicationId() + "-subscriptions", stores);
        AskService asks =
                new AskService(
                        views, model, metrics, new ModelSlots(settings.llm().maxConcurrent(), AskService.SLOT_WAIT));
        EventAnswerBus answers = new EventAnswerBus();
        feed = new KafkaEventAnswerFeed(settings.kafkaConnection(), answers, Clock.systemUTC());
        if (model.isPresent()) {
            Properties standingConfig = StandingQuestionsTopology.streamsConfig(settings);
            // lw.events partitions are assigned apart from the views' lw.memory partitions.
            MemoryViews standingViews = new PeerMemoryViews(views, owners, settings.peers(), instanceName);
            standing =
                    new KafkaStreams(
                            StandingQuestionsTopology.build(standingViews, new StandingEvaluator(standingViews, asks)),
                            standingConfig);
            standing.setUncaughtExceptionHandler(
                    e -> {
                        LOG.error("Standing questions failed; replacing the thread (the event is retried)", e);
                        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
                                .StreamThreadExceptionResponse.REPLACE_THREAD;
                    });
        } else {
            LOG.info("No LLM configured: standing questions are accepted but not evaluated");
        }
        HttpApi.Dependencies deps =
                new HttpApi.Dependencies(
                        views,
                        registry,
                        asks,
                        this::readiness,
                        metrics,
                        Clock.systemUTC(),
                        settings.tokens(),
                        subscriptions,
                        answers,
                        new HttpApi.Cluster(
                                owners,
                                settings.peers(),
                                instanceName),
                        new HttpApi.Policy(
                                AllowedHosts.of(settings.bindHost(), settings.allowedHosts()), settings.limits()));
        try {
            http = HttpApi.create(deps).start(settings.bindHost(), settings.port());
            advertised = new HostInfo(advertisedHost(), http.port());
            Properties config = ViewsTopology.streamsConfig(settings, advertised.host() + ":" + advertised.port());
            KafkaStreams viewStreams = new KafkaStreams(ViewsTopology.build(config, settings.keyframes()), config);
            viewStreams.setStateListener(
                    (now, before) -> LOG.info("Kafka Streams views: {} -> {}", before, now));
            viewStreams.setUncaughtExceptionHandler(
                    e -> {
                        LOG.error("Kafka Streams views failed; /readyz reports it", e);
                        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
                                .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                    });
            streams = viewStreams;
            streams.start();
            if (standing != null) {
                standing.start();
            }
            feed.start();
        } catch (RuntimeException e) {
            // e.g. the port is taken: do not leave Streams and the producer running behind us.
            close();
            throw e;
        }
        LOG.info(
                "Query service listening on http://{}:{}, advertised to other instances as {} ({}; LLM: {}; auth: {})",
                settings.bindHost(),
                http.port(),
                advertised,
                settings.bootstrapServers(),
                model.map(ChatModel::model).orElse("none, evidence-only"),
                settings.tokens().open() ? "open, loopback only" : settings.tokens().size() + " bearer tokens");
    }

    /** How many partitions of the views this instance owns now; 0 before the views run. */
    private double activeTasks() {
        KafkaStreams current = streams;
        if (current == null || current.state() != KafkaStreams.State.RUNNING) {
            return 0;
        }
        try {
            return current.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** The host other instances reach this one by: configured, else the bind host, else the host name. */
    private String advertisedHost() {
        if (settings.peers().advertisedHost().isPresent()) {
            return settings.peers().advertisedHost().get();
        }
        try {
            InetAddress bind = InetAddress.getByName(settings.bindHost());
            if (!bind.isAnyLocalAddress()) {
                return settings.bindHost();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(
                    "cannot tell other instances where this one is; set " + PeerSettings.ENV_ADVERTISED_HOST, e);
        }
    }

    /**
     * The stores of the views once they exist; before that every read is "not queryable yet"
     * (503), like a store that is still restoring.
     */
    private record RunningStores(Supplier<KafkaStreams> streams) implements StoreLookup {
        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
            KafkaStreams current = streams.get();
            if (current == null) {
                throw new InvalidStateStoreException("Kafka Streams is not started yet");
            }
            return current.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
        }
    }

    /** The port HTTP listens on; only valid after {@link #start()}. */
    public int port() {
        if (http == null) {
            throw new IllegalStateException("not started");
        }
        return http.port();
    }

    /** True once the views are RUNNING and can be queried. */
    public boolean ready() {
        return readiness().ready();
    }

    private Readiness readiness() {
        KafkaStreams current = streams;
        if (current == null) {
            return Readiness.notReady("Kafka Streams not started");
        }
        KafkaStreams.State state = current.state();
        return state == KafkaStreams.State.RUNNING
                ? Readiness.isReady()
                : Readiness.notReady("Kafka Streams is " + state);
    }

    /** Stops HTTP first (no request sees closed stores), then the views, producer and model. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.stop();
            http = null;
        }
        if (feed != null) {
            feed.close();
            feed = null;
        }
        if (standing != null) {
            closeLeavingGroup(standing);
            standing = null;
        }
        if (streams != null) {
            closeLeavingGroup(streams);
            streams = null;
        }
        if (subscriptions != null) {
            subscriptions.close();
            subscriptions = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        model.ifPresent(ChatModel::close);
        if (metrics != null) {
            metrics.close();
        }
    }

    /**
     * Kafka Streams stays in its consumer group on close unless told otherwise, so the partitions of
     * a stopped instance stay assigned to it until the session timeout (45 s) runs out: a restarted
     * or surviving instance could not serve them for that long. A service that stops on purpose
     * leaves the group, and the group rebalances at once.
     */
    private static void closeLeavingGroup(KafkaStreams app) {
        app.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
    }

    /** {@code java -jar query-service.jar}: settings from the environment, runs until SIGTERM. */
    public static void main(String[] args) throws InterruptedException {
        QueryServiceSettings settings = QueryServiceSettings.fromEnv();
        LOG.info("Starting with {}", settings);
        QueryService service = new QueryService(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    service.close();
                                    stopped.countDown();
                                },
                                "query-service-shutdown"));
        service.start();
        stopped.await();
    }
}
