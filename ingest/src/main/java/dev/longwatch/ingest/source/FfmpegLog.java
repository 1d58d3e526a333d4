package dev.longwatch.ingest.source;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's log lines (which it otherwise prints straight to stderr) to slf4j, redacted.
 * FFmpeg errors about a bad input are logged at WARN: the caller also gets a SourceException.
 * Runs on FFmpeg's threads; JavaCPP attaches them to the JVM.
 */
final class FfmpegLog extends LogCallback {
    private static final Logger log = LoggerFactory.getLogger(FfmpegLog.class);
    // Native code keeps calling this object: the static reference keeps it from being collected.
    private static final FfmpegLog INSTANCE = new FfmpegLog();

    private FfmpegLog() {}

    static void install() {
        avutil.setLogCallback(INSTANCE);
    }

    @Override
    public void call(int level, BytePointer message) {
        String text = Uris.redact(message.getString().strip());
        if (text.isEmpty()) {
            return;
        }
        if (level <= avutil.AV_LOG_ERROR) {
            log.warn("ffmpeg: {}", text);
        } else if (level <= avutil.AV_LOG_INFO) {
            log.info("ffmpeg: {}", text);
        } else {
            log.debug("ffmpeg: {}", text);
        }
    }
}
