package dev.longwatch.ingest.source;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/** Process-wide FFmpeg setup and error-code text. */
public final class FfmpegNative {
    private static final Pattern ERROR_CODE = Pattern.compile("error (-?\\d+)");
    private static volatile boolean initialized;

    private FfmpegNative() {}

    /**
     * Loads the natives once, quiets FFmpeg's logging (at the default level it prints a line for
     * every stream it probes) and sends what is left to slf4j instead of stderr.
     */
    public static void init() {
        if (initialized) {
            return;
        }
        synchronized (FfmpegNative.class) {
            if (!initialized) {
                avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                FfmpegLog.install();
                initialized = true;
            }
        }
    }

    /**
     * Turns a JavaCV exception message ("avformat_open_input() error -2: ...") into FFmpeg's own
     * words for the code ("No such file or directory"), or null when there is no code in it.
     */
    static String describe(String javacvMessage) {
        if (javacvMessage == null) {
            return null;
        }
        Matcher m = ERROR_CODE.matcher(javacvMessage);
        if (!m.find()) {
            return null;
        }
        int code;
        try {
            code = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        // A Java array, read up to the C string's NUL: a BytePointer's getString() would read
        // its whole capacity, garbage after the NUL included.
        byte[] buf = new byte[256];
        if (avutil.av_strerror(code, buf, buf.length) < 0) {
            return "error " + code;
        }
        int end = 0;
        while (end < buf.length && buf[end] != 0) {
            end++;
        }
        return new String(buf, 0, end, StandardCharsets.UTF_8);
    }
}
