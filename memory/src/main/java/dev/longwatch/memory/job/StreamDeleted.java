package dev.longwatch.memory.job;

/**
 * A stream was deleted: a tombstone for its id on {@code lw.streams}. Everything the memory job
 * keeps for the stream dies with it.
 */
public record StreamDeleted(String streamId) {}
