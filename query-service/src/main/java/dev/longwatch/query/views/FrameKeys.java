package dev.longwatch.query.views;

/**
 * Keys of the {@value ViewsTopology#KEYFRAMES_STORE} store: {@code streamId/incarnation/seq} with
 * both numbers zero-padded to 19 digits (every non-negative long), so the byte order of the keys is
 * (stream, incarnation, seq) order. Frames written before incarnations existed (incarnation 0) keep
 * the older form {@code streamId/seq}, so a store restored from an older changelog still finds
 * them. Stream ids cannot contain '/', so one stream's prefix never matches another's.
 */
public final class FrameKeys {
    private FrameKeys() {}

    /** A key taken apart: which frame of which stream incarnation. */
    public record Parsed(String streamId, long incarnation, long seq) {}

    public static String key(String streamId, long incarnation, long seq) {
        if (seq < 0 || incarnation < 0) {
            throw new IllegalArgumentException("seq and incarnation must be >= 0, got " + incarnation + "/" + seq);
        }
        return incarnation == 0
                ? streamId + "/" + String.format("%019d", seq)
                : streamId + "/" + String.format("%019d", incarnation) + "/" + String.format("%019d", seq);
    }

    /** The frame a key names, or empty for a key of neither form. */
    public static java.util.Optional<Parsed> parse(String key) {
        int first = key.indexOf('/');
        int last = key.lastIndexOf('/');
        try {
            if (first <= 0) {
                return java.util.Optional.empty();
            }
            long seq = Long.parseLong(key.substring(last + 1));
            long incarnation = first == last ? 0 : Long.parseLong(key.substring(first + 1, last));
            return java.util.Optional.of(new Parsed(key.substring(0, first), incarnation, seq));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }



    /** The first key of the stream's range (every incarnation), inclusive. */
    public static String first(String streamId) {
        return streamId + "/";
    }

    /** The last key of the stream's range, inclusive: '~' sorts after every digit and '/'. */
    public static String last(String streamId) {
        return streamId + "/~";
    }
}
