package dev.longwatch.query.views;

/**
 * Keys of the {@value ViewsTopology#KEYFRAMES_STORE} store: {@code streamId/seq} with the sequence
 * number zero-padded to 19 digits (every non-negative long), so the byte order of the keys is
 * (stream, seq) order and a range scan over one stream's frames comes out in time order. Stream
 * ids cannot contain '/', so one stream's prefix never matches another's.
 */
public final class FrameKeys {
    private FrameKeys() {}

    public static String key(String streamId, long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, got " + seq);
        }
        return streamId + "/" + String.format("%019d", seq);
    }

    /** The first key of the stream's range, inclusive. */
    public static String first(String streamId) {
        return key(streamId, 0);
    }

    /** The last key of the stream's range, inclusive. */
    public static String last(String streamId) {
        return key(streamId, Long.MAX_VALUE);
    }
}
