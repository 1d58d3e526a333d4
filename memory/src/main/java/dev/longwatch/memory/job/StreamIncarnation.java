package dev.longwatch.memory.job;

/**
 * What the memory job knows of the incarnations of one stream id (state schema version 5; see
 * {@link IncarnationRules}). Incarnations are the specs' {@code created_ms}; 0 is "written before
 * incarnations existed".
 *
 * @param current the newest incarnation seen, in a spec or a frame
 * @param bank the incarnation of the frames in the bank (0 for a bank of older frames)
 * @param deleted the stream was deleted: frames of {@code current} and older are dropped
 * @param forgetAtMs processing time at which a deleted stream's record is dropped; 0 otherwise
 */
public record StreamIncarnation(long current, long bank, boolean deleted, long forgetAtMs) {}
