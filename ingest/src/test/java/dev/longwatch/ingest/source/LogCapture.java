package dev.longwatch.ingest.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Records everything ingest and FFmpeg log, down to debug and FFmpeg's verbose level (where it
 * names the URLs it opens), without printing it. Closing restores the test configuration.
 */
final class LogCapture implements AutoCloseable {
    private static final String INGEST = "dev.longwatch.ingest";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;

    LogCapture() {
        FfmpegNative.init();
        appender =
                new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
                                + (event.getThrown() == null ? "" : " " + event.getThrown()));
                    }
                };
        appender.start();
        Configuration config = context.getConfiguration();
        // Not additive: the captured debug lines do not reach the console.
        LoggerConfig ingest =
                LoggerConfig.newBuilder()
                        .withLoggerName(INGEST)
                        .withLevel(Level.DEBUG)
                        .withAdditivity(false)
                        .withConfig(config)
                        .build();
        ingest.addAppender(appender, Level.DEBUG, null);
        config.addLogger(INGEST, ingest);
        // The test configuration quiets these two; while capturing they log everything.
        for (String name : List.of(INGEST + ".source.FfmpegLog", INGEST + ".StreamRun")) {
            LoggerConfig lc = config.getLoggerConfig(name);
            if (lc.getName().equals(name)) {
                lc.setLevel(Level.DEBUG);
            }
        }
        context.updateLoggers();
        avutil.av_log_set_level(avutil.AV_LOG_VERBOSE);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        // Back to src/test/resources/log4j2-test.properties.
        context.reconfigure();
        appender.stop();
    }
}
