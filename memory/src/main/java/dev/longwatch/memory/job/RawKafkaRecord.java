package dev.longwatch.memory.job;

/**
 * A Kafka record as read, before parsing: parsing happens in an operator so a record that does not
 * parse can go to the dead-letter topic with its coordinates instead of failing the source.
 */
public record RawKafkaRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}
