package dev.longwatch.schema;

import java.util.regex.Pattern;

/** Stream ids: what is allowed, and the keys derived from them. */
public final class StreamIds {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}");

    private StreamIds() {}

    /** Ids become Kafka keys, RocksDB key prefixes and URL path segments, so the set is small. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(
                    "invalid stream id '"
                            + id
                            + "': 1-64 characters of letters, digits, '.', '_' or '-', starting"
                            + " with a letter or digit");
        }
        return id;
    }

    /** The key of a chapter on {@link Topics#CHAPTERS}. */
    public static String chapterKey(String streamId, long index) {
        return streamId + "/" + index;
    }
}
