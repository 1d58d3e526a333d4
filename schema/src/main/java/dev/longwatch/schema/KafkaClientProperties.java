package dev.longwatch.schema;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client settings an operator gives every client of a service in one uniform way: security
 * (SASL, TLS) above all. Each environment variable {@code LONGWATCH_KAFKA_<NAME>} becomes the
 * client property {@code <name>}, lower case with {@code _} read as {@code .}:
 *
 * <table>
 *   <caption>Examples</caption>
 *   <tr><th>variable</th><th>client property</th></tr>
 *   <tr><td>{@code LONGWATCH_KAFKA_SECURITY_PROTOCOL}</td><td>{@code security.protocol}</td></tr>
 *   <tr><td>{@code LONGWATCH_KAFKA_SASL_MECHANISM}</td><td>{@code sasl.mechanism}</td></tr>
 *   <tr><td>{@code LONGWATCH_KAFKA_SASL_JAAS_CONFIG}</td><td>{@code sasl.jaas.config}</td></tr>
 *   <tr><td>{@code LONGWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION}</td><td>{@code ssl.truststore.location}</td></tr>
 * </table>
 *
 * Every producer, consumer, admin client and Kafka Streams app of the service gets them. What a
 * service sets itself (bootstrap servers, serializers, group and transactional ids, isolation,
 * idempotence, sizes) wins over them: they configure how a client reaches the cluster, not what
 * it does there. A name that is no Kafka client setting is refused, naming the variable.
 *
 * @param values client property to value; empty by default
 */
public record KafkaClientProperties(Map<String, String> values) {
    public static final String ENV_PREFIX = "LONGWATCH_KAFKA_";

    private static final Set<String> CLIENT_SETTINGS = clientSettings();

    public KafkaClientProperties {
        values = Map.copyOf(values);
        for (String name : values.keySet()) {
            if (!CLIENT_SETTINGS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is no Kafka client setting");
            }
        }
    }

    /** No extra settings: plaintext, no authentication (the one-JVM stack's own broker). */
    public static KafkaClientProperties none() {
        return new KafkaClientProperties(Map.of());
    }

    /**
     * Every {@code LONGWATCH_KAFKA_<NAME>} of {@code env} with a value that is not blank.
     *
     * @throws IllegalArgumentException naming the variable whose name maps to no client setting
     */
    public static KafkaClientProperties fromEnvironment(Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        env.forEach((variable, value) -> {
            if (variable.startsWith(ENV_PREFIX) && variable.length() > ENV_PREFIX.length()
                    && value != null && !value.isBlank()) {
                String name = propertyOf(variable);
                if (!CLIENT_SETTINGS.contains(name)) {
                    throw new IllegalArgumentException(variable + " names the Kafka client setting '" + name
                            + "', which does not exist (" + ENV_PREFIX + "<NAME> becomes <name> with _ read as .)");
                }
                values.put(name, value.strip());
            }
        });
        return new KafkaClientProperties(values);
    }

    /** {@code LONGWATCH_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}. */
    public static String propertyOf(String variable) {
        return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** {@code sasl.jaas.config} → {@code LONGWATCH_KAFKA_SASL_JAAS_CONFIG}. */
    public static String variableOf(String property) {
        return ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * A new, mutable client configuration: these settings plus {@code bootstrap.servers}. The
     * caller puts its own settings after, so they win.
     */
    public Map<String, Object> clientConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>(values);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Passwords and JAAS configurations never go to a log line. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((name, value) -> shown.put(name, secret(name) ? "(set)" : value));
        return "KafkaClientProperties" + shown;
    }

    private static boolean secret(String name) {
        return name.contains("password") || name.contains("jaas") || name.contains("secret")
                || name.endsWith(".key") || name.contains("keystore.certificate");
    }

    private static Set<String> clientSettings() {
        Set<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
