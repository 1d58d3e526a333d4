package dev.longwatch.query.views;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds a key-value store by name. In production it is an interactive query on a running
 * {@code KafkaStreams}; in tests {@code TopologyTestDriver::getKeyValueStore} serves the same
 * stores, so the views are tested against the real topology.
 */
@FunctionalInterface
public interface StoreLookup {
    <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name);
}
