package dev.longwatch.kafka.embedded;

import dev.longwatch.schema.KafkaClientProperties;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics of the registry with their configs; topics that exist are left as they are. */
public final class TopicAdmin {
    private TopicAdmin() {}

    /** Every topic of {@link Topics#ALL}, each with {@code partitions} partitions. */
    public static void createAll(String bootstrapServers, int partitions, short replication)
            throws InterruptedException {
        createAll(bootstrapServers, topic -> partitions, replication);
    }

    /** Every topic of {@link Topics#ALL}, each with the partitions {@code partitionsOf} gives it. */
    public static void createAll(
            String bootstrapServers, ToIntFunction<? super Topic<?, ?>> partitionsOf, short replication)
            throws InterruptedException {
        create(bootstrapServers, Topics.ALL, partitionsOf, replication);
    }

    /** Just {@code topics}, each with the partitions {@code partitionsOf} gives it. */
    public static void create(
            String bootstrapServers,
            Collection<? extends Topic<?, ?>> topics,
            ToIntFunction<? super Topic<?, ?>> partitionsOf,
            short replication)
            throws InterruptedException {
        create(KafkaClientProperties.none().clientConfig(bootstrapServers), topics, partitionsOf, replication);
    }

    /**
     * Every topic of {@link Topics#ALL} on a cluster that wants client settings (SASL, TLS):
     * {@code connection} holds the bootstrap servers and them ({@link
     * KafkaClientProperties#clientConfig}).
     */
    public static void createAll(Map<String, Object> connection, int partitions, short replication)
            throws InterruptedException {
        create(connection, Topics.ALL, topic -> partitions, replication);
    }

    private static void create(
            Map<String, Object> connection,
            Collection<? extends Topic<?, ?>> topics,
            ToIntFunction<? super Topic<?, ?>> partitionsOf,
            short replication)
            throws InterruptedException {
        try (Admin admin = Admin.create(connection)) {
            for (Topic<?, ?> topic : topics) {
                NewTopic newTopic =
                        new NewTopic(topic.name(), partitionsOf.applyAsInt(topic), replication)
                                .configs(topic.configs());
                try {
                    admin.createTopics(List.of(newTopic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
        }
    }
}
