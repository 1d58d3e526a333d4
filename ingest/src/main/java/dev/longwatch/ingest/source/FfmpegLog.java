package dev.longwatch.ingest.source;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's log lines (which it otherwise prints straight to stderr) to slf4j, redacted.
 * FFmpeg errors about a bad input are logged at WARN: the caller also gets a SourceException.
 * Runs on FFmpeg's threads; JavaCPP attaches them to the JVM.
 *
 * <p>A thread that opens a source can {@link #capture()} the errors FFmpeg reports while it does:
 * {@code avformat_open_input} logs on the calling thread, so the lines caught are that source's
 * ("Format not on whitelist", "Protocol 'file' not on whitelist"), never another stream's.
 */
final class FfmpegLog extends LogCallback {
    private static final Logger log = LoggerFactory.getLogger(FfmpegLog.class);
    // Native code keeps calling this object: the static reference keeps it from being collected.
    private static final FfmpegLog INSTANCE = new FfmpegLog();
    private static final int MAX_CAPTURED = 32;
    private static final ThreadLocal<List<String>> CAPTURED = new ThreadLocal<>();
    private static final java.util.regex.Pattern PIXEL_LIMIT =
            java.util.regex.Pattern.compile("Picture size (\\d+x\\d+) exceeds specified max pixel count");

    private FfmpegLog() {}

    static void install() {
        avutil.setLogCallback(INSTANCE);
    }

    /** Collects FFmpeg's error lines logged on this thread until the capture is closed. */
    static Capture capture() {
        List<String> lines = new ArrayList<>();
        CAPTURED.set(lines);
        return new Capture(lines);
    }

    /** The error lines of one capture; close it on the thread that opened it. */
    static final class Capture implements AutoCloseable {
        private final List<String> lines;

        private Capture(List<String> lines) {
            this.lines = lines;
        }

        boolean contains(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        /** The size in "Picture size WxH exceeds specified max pixel count", or null. */
        String pixelLimitRefusal() {
            for (String line : lines) {
                java.util.regex.Matcher m = PIXEL_LIMIT.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            return null;
        }

        String joined() {
            return String.join("; ", lines);
        }

        @Override
        public void close() {
            CAPTURED.remove();
        }
    }

    @Override
    public void call(int level, BytePointer message) {
        String text = Uris.redact(message.getString().strip());
        if (text.isEmpty()) {
            return;
        }
        if (level <= avutil.AV_LOG_ERROR) {
            List<String> captured = CAPTURED.get();
            if (captured != null && captured.size() < MAX_CAPTURED) {
                captured.add(text);
            }
            log.warn("ffmpeg: {}", text);
        } else if (level <= avutil.AV_LOG_INFO) {
            log.info("ffmpeg: {}", text);
        } else {
            log.debug("ffmpeg: {}", text);
        }
    }
}
