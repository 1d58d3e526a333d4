package dev.longwatch.encoder;

import dev.longwatch.service.EnvironmentNames;
import dev.longwatch.service.MetricsServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -cp ... dev.longwatch.encoder.EncoderWorkerMain}: one worker process of the
 * encoder consumer group. Configuration from the environment:
 *
 * <ul>
 *   <li>the worker, {@link EncoderSettings#fromEnvironment}: {@code LONGWATCH_BOOTSTRAP_SERVERS}
 *       (default {@code localhost:9092}), {@code LONGWATCH_ENCODER_TRANSACTIONAL_ID} (default
 *       {@code longwatch-encoder-<hostname>}; must be unique per instance and stable across its
 *       restarts), {@code LONGWATCH_ENCODER_GROUP}, {@code LONGWATCH_ENCODER_MAX_BATCH},
 *       {@code LONGWATCH_ENCODER_MAX_BATCH_DELAY_MS};
 *   <li>the encoder, {@link EncoderConfig#fromEnvironment}: {@code LONGWATCH_ENCODER_BACKEND}
 *       (builtin|onnx|tensorrt|auto), {@code LONGWATCH_ENCODER_MODEL}, {@code LONGWATCH_ENCODER_OUTPUT}, ...;
 *   <li>{@code GET /healthz}, {@code GET /readyz} (200 once the transactional producer is
 *       initialised and the worker has joined its group) and {@code GET /metrics} (Prometheus) on
 *       {@code LONGWATCH_METRICS_HOST}
 *       (default {@code 0.0.0.0}, so probes and scrapers from outside the host or pod reach it) and
 *       {@code LONGWATCH_METRICS_PORT} (default {@value #DEFAULT_METRICS_PORT}; 0 = any free port).
 * </ul>
 *
 * {@link #configFrom} reads every variable in one place; {@link #environmentVariables()} lists
 * them. On SIGTERM the worker ends its current batch (committed, or left uncommitted for the next
 * owner to replay), leaves the group and closes its clients; the JVM then
 * exits with 143 (128 + 15), within {@link #SHUTDOWN_GRACE} (a batch takes well under a second on
 * the built-in encoder; give the container 20 s before SIGKILL). It exits 0 when fenced by a newer instance with the same
 * transactional id, and 1 when the worker fails.
 */
public final class EncoderWorkerMain {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderWorkerMain.class);
    static final int DEFAULT_METRICS_PORT = 9401;
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(15);

    private EncoderWorkerMain() {}

    /** Everything a worker process is configured with, read from its environment in one place. */
    record Config(EncoderSettings settings, EncoderConfig encoder, InetSocketAddress metricsAddress) {}

    /** Reads every variable a worker uses; unset ones take their defaults. */
    static Config configFrom(Map<String, String> env, String hostName) {
        String port = env.getOrDefault("LONGWATCH_METRICS_PORT", Integer.toString(DEFAULT_METRICS_PORT));
        String host = env.getOrDefault("LONGWATCH_METRICS_HOST", "0.0.0.0");
        InetSocketAddress metricsAddress;
        try {
            metricsAddress = new InetSocketAddress(host, Integer.parseInt(port.strip()));
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException(
                    "LONGWATCH_METRICS_PORT must be a port number (0 = any free one), got '" + port + "'", e);
        }
        return new Config(
                EncoderSettings.fromEnvironment(env, hostName), EncoderConfig.fromEnvironment(env), metricsAddress);
    }

    /** The names of every environment variable a worker process reads. */
    public static SortedSet<String> environmentVariables() {
        return EnvironmentNames.readBy(env -> configFrom(env, "host"));
    }

    public static void main(String[] args) throws Exception {
        Config config = configFrom(System.getenv(), InetAddress.getLocalHost().getHostName());
        EncoderSettings settings = config.settings();
        InetSocketAddress metricsAddress = config.metricsAddress();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (VisionEncoder encoder = EncoderFactory.create(config.encoder(), metrics);
                EncoderWorker worker = new EncoderWorker(settings, encoder, metrics)) {
            Thread thread = new Thread(worker, "encoder-worker");
            thread.setUncaughtExceptionHandler((t, e) -> {
                failure.set(e);
                LOG.error("encoder worker failed", e);
            });
            try (MetricsServer server = MetricsServer.start(metricsAddress, metrics, thread::isAlive, worker::waitingFor)) {
                // The JVM halts once its hooks return, so the hook waits for the worker to leave
                // the group and close its clients.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    LOG.info("SIGTERM: ending the current batch and leaving the group");
                    worker.close();
                    try {
                        thread.join(SHUTDOWN_GRACE.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                thread.start();
                LOG.info("encoder worker {} of group {} started; /healthz, /readyz and /metrics on port {}",
                        settings.transactionalId(), settings.groupId(), server.port());
                thread.join();
            }
        }
        if (failure.get() != null) {
            System.exit(1);
        }
    }
}
