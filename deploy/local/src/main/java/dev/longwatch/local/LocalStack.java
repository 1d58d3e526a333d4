package dev.longwatch.local;

import dev.longwatch.encoder.EncoderSettings;
import dev.longwatch.encoder.EncoderWorker;
import dev.longwatch.encoder.EncoderFactory;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.ingest.IngestService;
import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.memory.job.MemoryJob;
import dev.longwatch.net.OwnPorts;
import dev.longwatch.query.QueryService;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.auth.BindPolicy;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.service.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Longwatch service in this JVM: an embedded KRaft broker (unless an external cluster is
 * given), the memory job on a Flink MiniCluster with RocksDB state and checkpoints, one encoder
 * worker, the ingest service and the query service. Started in dependency order and closed in
 * reverse, so nothing writes to a Kafka that is already gone.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final String BOOTSTRAP_SERVERS = "LONGWATCH_BOOTSTRAP_SERVERS";
    private static final String ENCODER_TRANSACTIONAL_ID = "LONGWATCH_ENCODER_TRANSACTIONAL_ID";

    /** The services that {@link #stop} and {@link #start} can cycle inside this JVM. */
    public enum Service {
        ENCODER,
        QUERY
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Every port this stack listens on, as it learns them: no stream's URI may reach one, not even
    // with loopback allowed for a lab (--allow-network 127.0.0.1/32).
    private final OwnPorts ownPorts = new OwnPorts();
    private String bootstrapServers;
    private Restartable<QueryService> queryService;
    private int httpPort;
    private ApiTokens apiTokens = ApiTokens.none();
    private JobClient memoryJob;
    private Restartable<RunningEncoder> encoder;
    private MetricsServer endpoints;
    private int flinkMetricsPort;

    private LocalStack() {}

    /**
     * Starts every service. The query service reads {@link LocalStackSettings#environment} as its
     * own process reads its environment ({@link QueryServiceSettings#fromEnv}: tokens, allowed
     * hosts, tenant limits, ...; {@code up}'s API flags are written into it); Kafka, port, state
     * directory and model come from {@code settings}.
     */
    public static LocalStack start(LocalStackSettings settings) throws Exception {
        LocalStack stack = new LocalStack();
        try {
            stack.startAll(settings);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(LocalStackSettings settings) throws Exception {
        Path dataDir = Files.createDirectories(settings.dataDir());
        QueryServiceSettings querySettings =
                QueryServiceSettings.fromEnv(settings.environment())
                        .withKafkaClient(settings.kafkaClient())
                        .withPort(settings.httpPort())
                        .withStateDir(dataDir.resolve("query-state"))
                        .withLlm(settings.llm());
        // Before anything starts: an open API may only listen on loopback.
        BindPolicy.check(querySettings.bindHost(), querySettings.tokens());
        apiTokens = querySettings.tokens();
        if (settings.externalBootstrap() == null) {
            EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), settings.partitions());
            started.push(kafka);
            bootstrapServers = kafka.bootstrapServers();
            ownPorts.add(portOf(bootstrapServers));
        } else {
            bootstrapServers = settings.externalBootstrap();
        }
        TopicAdmin.createAll(
                settings.kafkaClient().clientConfig(bootstrapServers), settings.partitions(), (short) 1);

        startMemoryJob(settings, dataDir);
        encoder = new Restartable<>(() -> startEncoder(settings));
        started.push(encoder);
        encoder.start();

        ownPorts.add(settings.httpPort()).add(settings.metricsPort());
        // Where users may point streams: the roots, outbound rules and pixel limit of the settings
        // (they stand for the environment's LONGWATCH_MEDIA_ROOTS and the like; see LocalStackSettings).
        Files.createDirectories(dataDir.resolve("media"));
        IngestService ingest = new IngestService(
                IngestSettings.fromEnvironment(serviceEnvironment(settings))
                        .withKafkaClient(settings.kafkaClient())
                        .withSafety(settings.sources()),
                metrics,
                ownPorts);
        started.push(ingest);
        ingest.start();

        httpPort = settings.httpPort();
        QueryServiceSettings queryOnKafka = querySettings.withBootstrapServers(bootstrapServers);
        queryService = new Restartable<>(() -> startQueryService(queryOnKafka));
        started.push(queryService);
        queryService.start();
        // A restart comes back on this port (startQueryService), so it stays the one to guard.
        ownPorts.add(httpPort);

        // Ingest and the encoder share one registry here; the query service serves its own.
        endpoints =
                MetricsServer.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.metricsPort()),
                        metrics,
                        () -> encoder.current().map(RunningEncoder::alive).orElse(false));
        started.push(endpoints);
        ownPorts.add(endpoints.port());
    }

    /** The port of {@code host:port} (the first server of a bootstrap list), or -1. */
    private static int portOf(String bootstrap) {
        String first = bootstrap.split(",")[0];
        try {
            return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The ports this stack listens on that it knows of (sources may never reach them). */
    public OwnPorts ownPorts() {
        return ownPorts;
    }

    /** Starts the query service on the stack's port (a free one the first time when asked for 0). */
    private QueryService startQueryService(QueryServiceSettings querySettings) throws InterruptedException {
        QueryService service = new QueryService(querySettings.withPort(httpPort));
        try {
            service.start();
            // A restart comes back on the same port, so clients reconnect where they were.
            httpPort = service.port();
            awaitReady(service, READY_TIMEOUT);
            return service;
        } catch (InterruptedException | RuntimeException e) {
            service.close();
            throw e;
        }
    }

    /**
     * Stops one service inside the JVM, as a crash-free restart would (the worker ends its batch,
     * the query service stops HTTP then its views); the rest of the stack keeps running. For
     * fault tests ({@code bench load --chaos}); {@link #start} brings it back.
     */
    public void stop(Service service) throws Exception {
        (service == Service.ENCODER ? encoder : queryService).stop();
    }

    /** Starts a service stopped by {@link #stop}; returns once it runs (the query service: views restored). */
    public void start(Service service) throws Exception {
        (service == Service.ENCODER ? encoder : queryService).start();
    }

    /**
     * The environment the services read as their own processes would ({@link ServiceEnvironment}),
     * with the stack's Kafka as their bootstrap servers.
     */
    private Map<String, String> serviceEnvironment(LocalStackSettings settings) {
        Map<String, String> environment = new HashMap<>(settings.environment());
        environment.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return environment;
    }

    /**
     * Where Flink's Prometheus reporter serves the memory job's meters (checkpoints, records,
     * the bank's counters): {@code --metrics-port + 1} for {@code up}, a free port otherwise.
     */
    public String flinkMetricsBase() {
        return "http://127.0.0.1:" + flinkMetricsPort;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Where {@code /healthz} and {@code /metrics} of ingest and the encoder are served. */
    public String metricsBase() {
        return "http://127.0.0.1:" + endpoints.port();
    }

    /** The HTTP port opens before Kafka Streams has restored its stores; callers want both. */
    private static void awaitReady(QueryService service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!service.ready()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("query service not ready after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private void startMemoryJob(LocalStackSettings settings, Path dataDir) throws Exception {
        Configuration options = new Configuration();
        options.set(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        settings.kafkaClient().values().forEach(
                (name, value) -> options.setString(MemoryOptions.KAFKA_PROPERTIES_PREFIX + name, value));
        options.set(MemoryOptions.BANK_SLOTS, settings.slots());
        options.set(MemoryOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(settings.checkpointIntervalMs()));
        Configuration cluster = MemoryJob.localClusterConfiguration(dataDir.resolve("flink"), options);
        FlinkOnLoopback.apply(cluster);
        flinkMetricsPort = settings.metricsPort() == 0 ? freePort() : settings.metricsPort() + 1;
        ownPorts.add(flinkMetricsPort);
        cluster.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporterFactory.class.getName());
        cluster.setString("metrics.reporter.prom.port", Integer.toString(flinkMetricsPort));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, cluster);
        JobClient job = MemoryJob.start(env, options);
        memoryJob = job;
        started.push(() -> job.cancel().get());
    }

    private RunningEncoder startEncoder(LocalStackSettings settings) {
        Map<String, String> environment = serviceEnvironment(settings);
        // One worker: a fixed transactional id, so a restart (of the stack or of this worker
        // alone) fences what the last run left open.
        environment.putIfAbsent(ENCODER_TRANSACTIONAL_ID, "longwatch-encoder-0");
        EncoderSettings encoderSettings =
                EncoderSettings.fromEnvironment(environment, "local").withKafkaClient(settings.kafkaClient());
        VisionEncoder model = EncoderFactory.create(settings.encoder(), metrics);
        EncoderWorker worker = new EncoderWorker(encoderSettings, model, metrics);
        Thread thread = new Thread(worker, "encoder-worker");
        thread.start();
        return new RunningEncoder(model, worker, thread);
    }

    /** One encoder worker on its thread; closing ends its batch, then frees the model. */
    private record RunningEncoder(VisionEncoder model, EncoderWorker worker, Thread thread) implements AutoCloseable {
        boolean alive() {
            return thread.isAlive();
        }

        @Override
        public void close() throws Exception {
            try {
                worker.close();
                thread.join();
            } finally {
                model.close();
            }
        }
    }

    /**
     * A service that can be stopped and started again while the stack runs. Closing the stack
     * closes what is running; a stopped service stays stopped.
     */
    private static final class Restartable<T extends AutoCloseable> implements AutoCloseable {
        private final Callable<T> starter;
        private volatile T current;

        Restartable(Callable<T> starter) {
            this.starter = starter;
        }

        synchronized void start() throws Exception {
            if (current == null) {
                current = starter.call();
            }
        }

        synchronized void stop() throws Exception {
            T running = current;
            current = null;
            if (running != null) {
                running.close();
            }
        }

        Optional<T> current() {
            return Optional.ofNullable(current);
        }

        @Override
        public void close() throws Exception {
            stop();
        }
    }

    /** A configured token that may see {@code streamId}, for the stack's own calls; empty when open. */
    Optional<String> apiTokenFor(String streamId) {
        return apiTokens.tokenFor(streamId);
    }

    public URI httpBase() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /**
     * What has stopped that should be running, if anything: a waiting client uses it to fail
     * fast instead of waiting out its timeout.
     */
    public Optional<String> fault() {
        if (encoder != null && encoder.current().map(running -> !running.alive()).orElse(false)) {
            return Optional.of("the encoder worker stopped (see the log above)");
        }
        if (memoryJob != null) {
            try {
                JobStatus status = memoryJob.getJobStatus().get(5, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    return Optional.of("the memory job is " + status + " (see the log above)");
                }
            } catch (ExecutionException | TimeoutException e) {
                return Optional.of("the memory job does not answer: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.empty();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}", next, e);
            }
        }
    }
}
