package dev.longwatch.ingest;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.net.OwnPorts;
import dev.longwatch.service.EnvironmentNames;
import dev.longwatch.service.MetricsServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest instance as its own process, for deployments beyond one machine: run any number of
 * them against one Kafka cluster and they share the streams of {@code lw.streams} through their
 * consumer group (each stream read by exactly one; a dead instance's streams move).
 *
 * <ul>
 *   <li>settings: {@link #configFrom} reads every variable ({@link IngestSettings#fromEnvironment}:
 *       {@code LONGWATCH_BOOTSTRAP_SERVERS}, {@code LONGWATCH_INGEST_*}; the endpoints' address);
 *       {@link #environmentVariables()} lists them;
 *   <li>{@code GET /healthz} (200 while the instance runs), {@code GET /readyz} (200 once it has
 *       joined the group and read its partitions of {@code lw.streams}) and {@code GET /metrics}
 *       (Prometheus: {@code lw_ingest_*} per stream, JVM meters) on {@code LONGWATCH_METRICS_HOST}
 *       (default {@code 0.0.0.0}) and {@code LONGWATCH_METRICS_PORT} (default {@value
 *       #DEFAULT_METRICS_PORT}; 0 = any free port).
 * </ul>
 *
 * On SIGTERM the instance stops its streams (each closes its FFmpeg source, flushes its frames and
 * writes its last status), leaves the group so its streams move at once, and exits; that takes a
 * second or two, at most twice the settings' shutdown timeout (30 s) when a source hangs.
 */
public final class IngestMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);
    static final int DEFAULT_METRICS_PORT = 9402;

    private final IngestService service;
    private final MetricsServer endpoints;
    /** What /healthz reports: true from start until close. */
    private final AtomicBoolean running;

    /** Everything an instance is configured with, read from its environment in one place. */
    record Config(IngestSettings settings, InetSocketAddress metricsAddress) {}

    private IngestMain(IngestService service, MetricsServer endpoints, AtomicBoolean running) {
        this.service = service;
        this.endpoints = endpoints;
        this.running = running;
    }

    /** Reads every variable an instance uses; unset ones take their defaults. */
    static Config configFrom(Map<String, String> env) {
        return new Config(IngestSettings.fromEnvironment(env), metricsAddress(env));
    }

    /** The names of every environment variable an ingest instance reads. */
    public static SortedSet<String> environmentVariables() {
        return EnvironmentNames.readBy(IngestMain::configFrom);
    }

    /** Starts an instance configured by {@code env}; it runs until {@link #close()}. */
    public static IngestMain start(Map<String, String> env) throws IOException {
        Config config = configFrom(env);
        IngestSettings settings = config.settings();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        // The metrics port is this process's own: no source may be pointed at it.
        OwnPorts ownPorts = new OwnPorts().add(config.metricsAddress().getPort());
        IngestService service = new IngestService(settings, metrics, ownPorts);
        service.start();
        try {
            AtomicBoolean running = new AtomicBoolean(true);
            MetricsServer endpoints =
                    MetricsServer.start(config.metricsAddress(), metrics, running::get, service::waitingFor);
            ownPorts.add(endpoints.port());
            LOG.info("ingest instance {} of group {} started; /healthz, /readyz and /metrics on port {}",
                    settings.instanceId(), settings.groupId(), endpoints.port());
            return new IngestMain(service, endpoints, running);
        } catch (IOException | RuntimeException e) {
            service.close(); // the port was taken: do not leave the streams running
            throw e;
        }
    }

    private static InetSocketAddress metricsAddress(Map<String, String> env) {
        String port = env.getOrDefault("LONGWATCH_METRICS_PORT", Integer.toString(DEFAULT_METRICS_PORT));
        String host = env.getOrDefault("LONGWATCH_METRICS_HOST", "0.0.0.0");
        try {
            return new InetSocketAddress(host, Integer.parseInt(port.strip()));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException("LONGWATCH_METRICS_PORT must be a port number (0 = any free one), got '" + port + "'", e);
        }
    }

    /** The port of {@code /healthz}, {@code /readyz} and {@code /metrics}. */
    public int metricsPort() {
        return endpoints.port();
    }

    /** Empty once the instance can ingest (see {@link IngestService#waitingFor()}). */
    public Optional<String> waitingFor() {
        return service.waitingFor();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            service.close();
        } finally {
            endpoints.close();
        }
    }

    public static void main(String[] args) throws Exception {
        IngestMain main = start(System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        // The JVM halts once its hooks return: the hook closes the instance before it does.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("SIGTERM: stopping the streams and leaving the group");
            main.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        stopped.await();
    }
}
