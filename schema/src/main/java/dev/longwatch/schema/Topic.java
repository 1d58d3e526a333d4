package dev.longwatch.schema;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic, typed: its name, the serdes of its keys and values, and the topic configs it
 * is created with. Every topic is defined once, in {@link Topics}; code never repeats a name.
 *
 * @param name the topic name
 * @param keySerde serde of the record keys
 * @param valueSerde serde of the record values
 * @param configs topic-level configs applied when the topic is created
 */
public record Topic<K, V>(
        String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    public Topic {
        configs = Map.copyOf(configs);
    }
}
