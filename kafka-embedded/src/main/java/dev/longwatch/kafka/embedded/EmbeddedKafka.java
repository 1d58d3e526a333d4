package dev.longwatch.kafka.embedded;

import dev.longwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka (broker and controller in one) inside this JVM: the embedded
 * default of {@code ./longwatch} and the broker of the modules' ITCases. It is a real broker on
 * a loopback port, not a fake; a deployment beyond one machine points every service at an
 * external cluster instead.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /**
     * Marks {@code baseDir} as formatted and holds the cluster id its meta.properties carry: the
     * node directories the test kit derives from {@code baseDir} are stable, so a restart with the
     * same id reopens the same logs instead of formatting them away.
     */
    static final String CLUSTER_ID_FILE = "cluster.id";

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
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
        Path clusterIdFile = baseDir.resolve(CLUSTER_ID_FILE);
        boolean formatted = Files.isRegularFile(clusterIdFile);
        String clusterId = formatted ? Files.readString(clusterIdFile).trim() : Uuid.randomUuid().toString();
        TestKitNodes nodes =
                new TestKitNodes.Builder()
                        .setClusterId(clusterId)
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(baseDir)
                        .build();
        KafkaClusterTestKit.Builder builder =
                new KafkaClusterTestKit.Builder(nodes)
                        // The caller owns baseDir: ./longwatch up keeps it across restarts.
                        .setDeleteOnClose(false)
                        // One broker: every internal topic must fit on it, or consumers and
                        // transactions hang on INVALID_REPLICATION_FACTOR (stack.md).
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                        .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("num.partitions", Integer.toString(defaultPartitions))
                        .setConfigProp("message.max.bytes", Integer.toString(Topics.MAX_MESSAGE_BYTES));
        extraBrokerConfigs.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        PrintStream stdout = System.out;
        try {
            // format() reports to stdout; stdout belongs to the CLI's results (--json).
            System.setOut(System.err);
            if (!formatted) {
                cluster.format();
                // Written only after a successful format: a half-formatted directory is redone.
                Files.writeString(clusterIdFile, clusterId);
            }
            System.setOut(stdout);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            System.setOut(stdout);
        }
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
