package dev.longwatch.kafka.embedded;

import dev.longwatch.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The {@code server.properties} of a one-node KRaft cluster (broker and controller in one
 * process), as an operator would write it for Kafka's own start script: every listener on the
 * loopback interface, and every internal topic sized for one broker.
 */
final class SingleNodeConfig {
    /**
     * The node id. 0, as the test kit that ran the embedded broker before gave its combined node,
     * so a data directory it formatted still carries the node id this config names.
     */
    static final int NODE_ID = 0;

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String LOOPBACK = "127.0.0.1";

    private SingleNodeConfig() {}

    /**
     * @param logDir where the broker's partitions and the metadata log live
     * @param brokerPort the port clients connect to
     * @param controllerPort the port of the KRaft controller (only this process uses it)
     * @param defaultPartitions {@code num.partitions} of topics created without a count
     * @param extra broker configs that win over these, e.g. lower group timeouts for a test
     */
    static Properties of(
            Path logDir, int brokerPort, int controllerPort, int defaultPartitions, Map<String, String> extra) {
        Map<String, String> config = new TreeMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        // A static voter set, not controller.quorum.bootstrap.servers: a dynamic quorum stores the
        // controller's endpoint in the metadata log, and the port is picked anew at every start.
        config.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        // Loopback only, both listeners: no authentication is configured, so nothing but this
        // machine may reach them (README, Security).
        config.put(
                "listeners",
                BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + ","
                        + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
        config.put("listener.security.protocol.map", CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
        config.put("log.dirs", logDir.toAbsolutePath().toString());
        config.put("num.partitions", Integer.toString(defaultPartitions));
        // One broker: every internal topic must fit on it, or consumers and transactions hang on
        // INVALID_REPLICATION_FACTOR (stack.md).
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // Nobody else will join a group on one machine's stack: no reason to wait 3 s for them.
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("message.max.bytes", Integer.toString(Topics.MAX_MESSAGE_BYTES));
        config.putAll(extra);
        Properties properties = new Properties();
        properties.putAll(config);
        return properties;
    }

    /**
     * Writes {@code config} to {@code file} in the properties format, one sorted line per key, so
     * an operator can read what the embedded broker ran with and Kafka's storage tool can read it.
     */
    static void write(Properties config, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by Longwatch at every start of its embedded broker; edits are overwritten.");
        new TreeMap<>(config).forEach((key, value) -> lines.add(key + "=" + escape(value.toString())));
        Files.write(file, lines);
    }

    /** The properties format reads a backslash as an escape; nothing else in these values is special. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
