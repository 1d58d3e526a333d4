package dev.longwatch.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one process) inside this JVM: the embedded
 * default of {@code ./longwatch} and the broker of the modules' ITCases. It is Kafka's own server
 * ({@link KafkaRaftServer}, what {@code kafka-server-start.sh} runs) on a {@code server.properties}
 * written to {@code baseDir} ({@link SingleNodeConfig}), formatted on first use by Kafka's storage
 * tool as {@code kafka-storage.sh format} does; both listeners are on 127.0.0.1. A deployment
 * beyond one machine points every service at an external cluster instead.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /**
     * Marks {@code baseDir} as formatted and holds the cluster id its meta.properties carry; a
     * restart with the same id reopens the same logs instead of formatting them away.
     */
    static final String CLUSTER_ID_FILE = "cluster.id";

    /** The broker's configuration, rewritten at every start (its ports change). */
    static final String CONFIG_FILE = "server.properties";

    /** Partitions and the metadata log. */
    static final String LOG_DIR = "kraft-combined-logs";

    /**
     * Where the test kit that ran the embedded broker before kept the same node's logs; a data
     * directory of an earlier {@code ./longwatch up} is reopened there.
     */
    static final String TEST_KIT_LOG_DIR = "combined_0_0";

    /** The ports are picked free just before Kafka binds them; another process may win the race. */
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker on the log directory under {@code baseDir}: formats it on first use, and
     * on later starts reopens it with the topics and offsets it had (see {@link #CLUSTER_ID_FILE}).
     */
    public static EmbeddedKafka start(Path baseDir, int defaultPartitions) throws Exception {
        return start(baseDir, defaultPartitions, Map.of());
    }

    /**
     * Starts the broker on the log directory under {@code baseDir} (formatted on first use) with
     * {@code extraBrokerConfigs} on top of the single-node defaults (they win on a clash), e.g.
     * a lower {@code group.min.session.timeout.ms} for a failover test.
     */
    public static EmbeddedKafka start(Path baseDir, int defaultPartitions, Map<String, String> extraBrokerConfigs)
            throws Exception {
        Files.createDirectories(baseDir);
        boolean testKitLogs = Files.isDirectory(baseDir.resolve(TEST_KIT_LOG_DIR));
        Path logDir = testKitLogs ? baseDir.resolve(TEST_KIT_LOG_DIR) : baseDir.resolve(LOG_DIR);
        Map<String, String> overrides = new HashMap<>();
        if (testKitLogs) {
            // The test kit formatted with the newest metadata.version, unstable ones included; a
            // broker that does not allow those halts the JVM on reading its own metadata log.
            LOG.warn("{} was written by an earlier ./longwatch with Kafka's unstable metadata versions;"
                    + " reopening it with them enabled (a fresh --data-dir does without)", logDir);
            overrides.put("unstable.feature.versions.enable", "true");
            overrides.put("unstable.api.versions.enable", "true");
        }
        overrides.putAll(extraBrokerConfigs);
        for (int attempt = 1; ; attempt++) {
            int brokerPort = freeLoopbackPort();
            int controllerPort = freeLoopbackPort();
            Properties config =
                    SingleNodeConfig.of(logDir, brokerPort, controllerPort, defaultPartitions, overrides);
            Path configFile = baseDir.resolve(CONFIG_FILE);
            SingleNodeConfig.write(config, configFile);
            formatOnFirstUse(baseDir, configFile);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
            try {
                // Returns once the broker is registered and unfenced: clients can use it at once.
                server.startup();
                return new EmbeddedKafka(server, SingleNodeConfig.LOOPBACK + ":" + brokerPort);
            } catch (RuntimeException e) {
                stop(server);
                if (attempt == BIND_ATTEMPTS || !causedByBindFailure(e)) {
                    throw e;
                }
                LOG.info("a port picked for the embedded broker was taken meanwhile; trying others", e);
            }
        }
    }

    /**
     * {@code kafka-storage.sh format --config server.properties --cluster-id ID}, once: the
     * cluster id is written beside the logs only after a successful format, so a half-formatted
     * directory is formatted again (the tool's {@code --ignore-formatted} keeps that safe).
     */
    private static void formatOnFirstUse(Path baseDir, Path configFile) throws IOException {
        Path clusterIdFile = baseDir.resolve(CLUSTER_ID_FILE);
        if (Files.isRegularFile(clusterIdFile)) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        // The tool reports to the stream it is given; stdout belongs to the CLI's results (--json).
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(
                    new String[] {
                        "format", "--config", configFile.toString(), "--cluster-id", clusterId, "--ignore-formatted"
                    },
                    out);
        }
        String output = report.toString(StandardCharsets.UTF_8).strip();
        if (exit != 0) {
            throw new IllegalStateException("formatting the embedded broker's logs failed (" + exit + "): " + output);
        }
        LOG.debug("{}", output);
        Files.writeString(clusterIdFile, clusterId);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(SingleNodeConfig.LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port} of the broker's listener, on 127.0.0.1. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        stop(server);
    }

    /** A controlled shutdown: the broker leaves the cluster and flushes its logs before it returns. */
    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
