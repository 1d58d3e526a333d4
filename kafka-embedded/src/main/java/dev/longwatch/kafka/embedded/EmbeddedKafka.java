package dev.longwatch.kafka.embedded;

import dev.longwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka (broker and controller in one) inside this JVM: the embedded
 * default of {@code ./longwatch} and the broker of the modules' ITCases. It is a real broker on
 * a loopback port, not a fake; a deployment beyond one machine points every service at an
 * external cluster instead.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats a fresh log directory under {@code baseDir} and starts the broker. */
    public static EmbeddedKafka start(Path baseDir, int defaultPartitions) throws Exception {
        return start(baseDir, defaultPartitions, Map.of());
    }

    /**
     * Formats a fresh log directory under {@code baseDir} and starts the broker with
     * {@code extraBrokerConfigs} on top of the single-node defaults (they win on a clash), e.g.
     * a lower {@code group.min.session.timeout.ms} for a failover test.
     */
    public static EmbeddedKafka start(Path baseDir, int defaultPartitions, Map<String, String> extraBrokerConfigs)
            throws Exception {
        TestKitNodes nodes =
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(baseDir)
                        .build();
        KafkaClusterTestKit.Builder builder =
                new KafkaClusterTestKit.Builder(nodes)
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
            cluster.format();
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
