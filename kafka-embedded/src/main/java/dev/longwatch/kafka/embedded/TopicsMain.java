package dev.longwatch.kafka.embedded;

import dev.longwatch.schema.KafkaClientProperties;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * {@code java -cp ... dev.longwatch.kafka.embedded.TopicsMain}: creates every topic of {@link
 * Topics#ALL} with its configs on a Kafka cluster, and sets those configs on topics that already
 * exist (so a changed retention reaches a running cluster; partition counts of existing topics are
 * left alone). The one-shot {@code topics} service of the compose stack. Waits for the cluster
 * until {@code LONGWATCH_TOPICS_TIMEOUT_S}, since a container starts before its broker listens.
 * Exits 0 once every topic exists with its configs, 1 otherwise.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code LONGWATCH_BOOTSTRAP_SERVERS}</td><td>{@code localhost:9092}</td></tr>
 *   <tr><td>{@code LONGWATCH_KAFKA_<NAME>}</td><td>none: the admin client's setting {@code <name>}
 *       (SASL, TLS), as for every service</td></tr>
 *   <tr><td>{@code LONGWATCH_TOPICS_PARTITIONS}</td><td>4: partitions of each new topic (the most
 *       ingest instances, encoder workers, Flink subtasks or query instances that share a topic)</td></tr>
 *   <tr><td>{@code LONGWATCH_TOPICS_REPLICATION}</td><td>1 (use 3 on a cluster of 3 or more brokers)</td></tr>
 *   <tr><td>{@code LONGWATCH_TOPICS_TIMEOUT_S}</td><td>120: how long to wait for the cluster</td></tr>
 * </table>
 */
public final class TopicsMain {
    private TopicsMain() {}

    /** What the tool is configured with. */
    public record Config(
            String bootstrapServers, KafkaClientProperties kafkaClient, int partitions, short replication, Duration timeout) {
        public Config {
            if (partitions < 1) {
                throw new IllegalArgumentException("LONGWATCH_TOPICS_PARTITIONS must be at least 1, got " + partitions);
            }
            if (replication < 1) {
                throw new IllegalArgumentException("LONGWATCH_TOPICS_REPLICATION must be at least 1, got " + replication);
            }
        }

        public static Config from(Map<String, String> env) {
            return new Config(
                    env.getOrDefault("LONGWATCH_BOOTSTRAP_SERVERS", "localhost:9092"),
                    KafkaClientProperties.fromEnvironment(env),
                    number(env, "LONGWATCH_TOPICS_PARTITIONS", 4),
                    (short) number(env, "LONGWATCH_TOPICS_REPLICATION", 1),
                    Duration.ofSeconds(number(env, "LONGWATCH_TOPICS_TIMEOUT_S", 120)));
        }

        private static int number(Map<String, String> env, String name, int fallback) {
            String value = env.getOrDefault(name, "");
            if (value.isBlank()) {
                return fallback;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'", e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.from(System.getenv());
        long deadline = System.nanoTime() + config.timeout().toNanos();
        while (true) {
            try {
                apply(config);
                return;
            } catch (IllegalStateException | ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    System.err.println("topics: gave up after " + config.timeout() + ": " + e);
                    System.exit(1);
                }
                System.err.println("topics: cluster not ready (" + rootMessage(e) + "); retrying");
                Thread.sleep(2000);
            }
        }
    }

    /** Creates what is missing, then sets the registry's configs on every topic. */
    static void apply(Config config) throws InterruptedException, ExecutionException {
        Map<String, Object> connection = config.kafkaClient().clientConfig(config.bootstrapServers());
        connection.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        TopicAdmin.createAll(connection, config.partitions(), config.replication());
        try (Admin admin = Admin.create(connection)) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new java.util.HashMap<>();
            for (Topic<?, ?> topic : Topics.ALL) {
                List<AlterConfigOp> ops = new ArrayList<>();
                topic.configs().forEach((key, value) ->
                        ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), ops);
            }
            admin.incrementalAlterConfigs(changes).all().get();
            Set<String> names = admin.listTopics().names().get();
            for (Topic<?, ?> topic : Topics.ALL) {
                if (!names.contains(topic.name())) {
                    throw new IllegalStateException("topic " + topic.name() + " is missing after creation");
                }
                System.out.println("topics: " + topic.name() + " " + topic.configs());
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
