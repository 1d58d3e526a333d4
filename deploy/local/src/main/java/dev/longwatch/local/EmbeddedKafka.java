package dev.longwatch.local;

import dev.longwatch.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka (broker and controller in one) inside this JVM: the embedded
 * default of {@code ./longwatch}. It is a real broker on a loopback port, not a fake; a
 * deployment beyond one machine points every service at an external cluster instead.
 */
final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats a fresh log directory under {@code baseDir} and starts the broker. */
    static EmbeddedKafka start(Path baseDir, int defaultPartitions) throws Exception {
        TestKitNodes nodes =
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(baseDir)
                        .build();
        KafkaClusterTestKit cluster =
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
                        .setConfigProp("message.max.bytes", Integer.toString(Topics.MAX_MESSAGE_BYTES))
                        .build();
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

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
