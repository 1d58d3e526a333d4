package dev.longwatch.local;

import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates every topic of the registry with its configs; topics that exist are left as they are. */
final class TopicAdmin {
    private TopicAdmin() {}

    static void createAll(String bootstrapServers, int partitions, short replication)
            throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (Topic<?, ?> topic : Topics.ALL) {
                NewTopic newTopic = new NewTopic(topic.name(), partitions, replication).configs(topic.configs());
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
