package dev.longwatch.memory.job;

/**
 * What the memory job reads of the control plane ({@code lw.streams}) for one stream: a spec
 * (the stream exists as incarnation {@code incarnation}, its {@code created_ms}) or a tombstone
 * (the stream was deleted; {@code incarnation} 0: a tombstone carries none). See {@link
 * IncarnationRules} for what each does to the stream's bank.
 */
public record StreamControl(String streamId, long incarnation, boolean deleted) {

    public static StreamControl created(String streamId, long incarnation) {
        return new StreamControl(streamId, incarnation, false);
    }

    public static StreamControl deleted(String streamId) {
        return new StreamControl(streamId, 0, true);
    }
}
