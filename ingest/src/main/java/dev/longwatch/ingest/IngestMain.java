package dev.longwatch.ingest;

import dev.longwatch.ingest.config.IngestSettings;
import dev.longwatch.net.OwnPorts;
import dev.longwatch.service.MetricsServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
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
 *   <li>settings: {@link IngestSettings#fromEnvironment} ({@code LONGWATCH_BOOTSTRAP_SERVERS},
 *       {@code LONGWATCH_INGEST_*});
 *   <li>{@code GET /healthz} (200 while the instance runs) and {@code GET /metrics} (Prometheus:
 *       {@code lw_ingest_*} per stream, JVM meters) on {@code LONGWATCH_METRICS_HOST} (default
 *       {@code 0.0.0.0}) and {@code LONGWATCH_METRICS_PORT} (default {@value #DEFAULT_METRICS_PORT};
 *       0 = any free port).
 * </ul>
 *
 * On SIGTERM the instance stops its streams (each writes its last status), leaves the group so
 * its streams move at once, and exits.
 */
public final class IngestMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestMain.class);
    static final int DEFAULT_METRICS_PORT = 9402;

    private final IngestService service;
    private final MetricsServer endpoints;
    /** What /healthz reports: true from start until close. */
    private final AtomicBoolean running;

    private IngestMain(IngestService service, MetricsServer endpoints, AtomicBoolean running) {
        this.service = service;
        this.endpoints = endpoints;
        this.running = running;
    }

    /** Starts an instance configured by {@code env}; it runs until {@link #close()}. */
    public static IngestMain start(Map<String, String> env) throws IOException {
        IngestSettings settings = IngestSettings.fromEnvironment(env);
        InetSocketAddress address = metricsAddress(env);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        // The metrics port is this process's own: no source may be pointed at it.
        OwnPorts ownPorts = new OwnPorts().add(address.getPort());
        IngestService service = new IngestService(settings, metrics, ownPorts);
        service.start();
        try {
            AtomicBoolean running = new AtomicBoolean(true);
            MetricsServer endpoints = MetricsServer.start(address, metrics, running::get);
            ownPorts.add(endpoints.port());
            LOG.info("ingest instance {} of group {} started; /healthz and /metrics on port {}",
                    settings.instanceId(), settings.groupId(), endpoints.port());
            return new IngestMain(service, endpoints, running);
        } catch (IOException | RuntimeException e) {
            service.close(); // the port was taken: do not leave the streams running
            throw e;
        }
    }

    private static InetSocketAddress metricsAddress(Map<String, String> env) {
        String port = env.getOrDefault("LONGWATCH_METRICS_PORT", Integer.toString(DEFAULT_METRICS_PORT));
        try {
            return new InetSocketAddress(env.getOrDefault("LONGWATCH_METRICS_HOST", "0.0.0.0"), Integer.parseInt(port.strip()));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException("LONGWATCH_METRICS_PORT must be a port number (0 = any free one), got '" + port + "'", e);
        }
    }

    /** The port of {@code /healthz} and {@code /metrics}. */
    public int metricsPort() {
        return endpoints.port();
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
            main.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        stopped.await();
    }
}
