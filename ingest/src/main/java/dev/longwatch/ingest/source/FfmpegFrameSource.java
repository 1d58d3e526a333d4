package dev.longwatch.ingest.source;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link FrameSource} over JavaCV's {@link FFmpegFrameGrabber}: local files, RTSP (over TCP) and
 * HTTP(S) including HLS, whatever FFmpeg can demux and decode.
 *
 * <p>Timestamps come from the grabber ({@code getTimestamp()}, µs, from the decoded frame's
 * best-effort PTS), made relative to the first frame, so sampling follows media time on variable
 * frame rate sources; frames the decoder cannot time are placed by {@link MediaTimeline}.
 *
 * <p>{@link #close()} frees the decoder, the connection and the conversion buffers; it is
 * idempotent, and the source (and a frame it handed out) cannot be used afterwards.
 */
public final class FfmpegFrameSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(FfmpegFrameSource.class);
    /** A file ending this much before its stated video duration counts as truncated. */
    private static final long TRUNCATION_SLACK_MS = 1_000;

    private final FFmpegFrameGrabber grabber;
    private final SourceInfo info;
    private final boolean keyframesOnly;
    // Reused for every converted frame: one BufferedImage per source, see SourceFrame#toImage.
    private final BgrConverter converter = new BgrConverter();
    private final CurrentFrame current = new CurrentFrame();
    private final MediaTimeline timeline;
    private long lastPtsMs = -1;
    private boolean ended;
    private boolean closed;

    private FfmpegFrameSource(FFmpegFrameGrabber grabber, SourceInfo info, boolean keyframesOnly) {
        this.grabber = grabber;
        this.info = info;
        this.keyframesOnly = keyframesOnly;
        this.timeline = new MediaTimeline(info.frameRate());
    }

    /**
     * The grabber's timestamp of {@code frame}, or {@link MediaTimeline#NO_TIMESTAMP} when the
     * decoder had none: JavaCV then reports 0, which would send the frame back to the start.
     */
    private long decoderTimestampUs(Frame frame) {
        if (frame.opaque instanceof AVFrame picture
                && picture.best_effort_timestamp() == avutil.AV_NOPTS_VALUE) {
            return MediaTimeline.NO_TIMESTAMP;
        }
        return grabber.getTimestamp();
    }

    /** A factory that validates URIs against {@code allowedRoots} (empty: any local file). */
    public static FrameSourceFactory factory(List<Path> allowedRoots, Duration networkTimeout) {
        return factory(
                allowedRoots,
                new SourceOptions(networkTimeout, networkTimeout, "tcp", false));
    }

    /** A factory that validates URIs against {@code allowedRoots} (empty: any local file). */
    public static FrameSourceFactory factory(List<Path> allowedRoots, SourceOptions options) {
        List<Path> roots = List.copyOf(allowedRoots);
        return new FrameSourceFactory() {
            @Override
            public FrameSource open(String uri) throws SourceException {
                return FfmpegFrameSource.open(SourceLocation.resolve(uri, roots), options);
            }

            @Override
            public boolean reconnectable(String uri) {
                return SourceLocation.isRtsp(uri);
            }
        };
    }

    /** Opens any local file (no allowed-roots check) or network URI with a 10 s timeout. */
    public static FfmpegFrameSource open(String uri) throws SourceException {
        return open(SourceLocation.resolve(uri, List.of()), SourceOptions.defaults());
    }

    /**
     * Opens the source and reads its stream headers.
     *
     * @param networkTimeout how long a network source may stall (connect or read) before failing
     */
    public static FfmpegFrameSource open(SourceLocation location, Duration networkTimeout)
            throws SourceException {
        return open(location, new SourceOptions(networkTimeout, networkTimeout, "tcp", false));
    }

    /** Opens the source and reads its stream headers. */
    public static FfmpegFrameSource open(SourceLocation location, SourceOptions options)
            throws SourceException {
        FfmpegNative.init();
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(location.input());
        // Decoder threads. A file is read as fast as possible: auto, as FFmpeg's CLI does (frame
        // threading, about one thread per core). A camera only comes in real time, which one
        // thread decodes with room to spare up to 4K; auto would give each of dozens of cameras
        // cores+1 threads, each holding its own frames and adding a frame of latency. Two keeps
        // a busy 4K camera ahead.
        grabber.setVideoOption("threads", location.kind() == SourceLocation.Kind.RTSP ? "2" : "0");
        // RAW: the grabber hands out the decoder's own picture (YUV) without converting it. Most
        // frames are dropped by the sampler, and converting a 1080p frame to BGR costs about as
        // much as decoding it, so conversion waits for toImage() (BgrConverter), kept frames only.
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        switch (location.kind()) {
            case RTSP:
                // TCP by default: UDP loses packets behind NAT and firewalls.
                grabber.setOption("rtsp_transport", options.rtspTransport());
                // Socket I/O timeout: a camera that goes silent fails here, and is reconnected.
                grabber.setOption("timeout", micros(options.stallTimeout()));
                break;
            case HTTP:
                grabber.setOption("rw_timeout", micros(options.networkTimeout()));
                break;
            case FILE:
            default:
                break;
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new SourceException(
                    Reason.UNREADABLE,
                    "cannot open "
                            + location.redacted()
                            + ": "
                            + explain(e, location)
                            + (location.kind() == SourceLocation.Kind.FILE
                                    ? " (not a readable media file?)"
                                    : ""));
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
            closeQuietly(grabber);
            throw new SourceException(
                    Reason.NO_VIDEO, "no video stream in " + location.redacted());
        }
        OptionalLong duration = videoDurationMs(grabber);
        SourceInfo info =
                new SourceInfo(
                        location.redacted(),
                        // HTTP without a duration is a live HLS/MPEG-TS feed, not a file.
                        location.kind() == SourceLocation.Kind.RTSP
                                || (location.kind() == SourceLocation.Kind.HTTP
                                        && duration.isEmpty()),
                        duration,
                        grabber.getFrameRate(),
                        grabber.getImageWidth(),
                        grabber.getImageHeight());
        log.debug("opened {}: {}", location.redacted(), info);
        return new FfmpegFrameSource(
                grabber, info, options.keyframesOnly() && !info.live());
    }

    private static String micros(Duration d) {
        return Long.toString(d.toNanos() / 1_000);
    }

    @Override
    public SourceInfo info() {
        return info;
    }

    @Override
    public Optional<SourceFrame> next() throws SourceException {
        requireOpen();
        if (ended) {
            return Optional.empty();
        }
        Frame frame;
        try {
            // Keyframes only: non-key packets are skipped before decoding, which is what makes
            // this mode fast on long files.
            frame = keyframesOnly ? grabber.grabKeyFrame() : grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            ended = true;
            throw new SourceException(
                    Reason.DECODE_FAILED,
                    "decoding "
                            + info.redactedUri()
                            + " failed after "
                            + Math.max(0, lastPtsMs)
                            + " ms: "
                            + Uris.redact(e.getMessage()));
        }
        if (frame == null || frame.image == null) {
            ended = true;
            checkComplete();
            return Optional.empty();
        }
        long ptsMs = timeline.next(decoderTimestampUs(frame));
        lastPtsMs = Math.max(lastPtsMs, ptsMs);
        current.set(frame, ptsMs);
        return Optional.of(current);
    }

    /** A file that stops well short of its stated duration was cut off (copy, upload, disk). */
    private void checkComplete() throws SourceException {
        // Keyframes may be far apart, so the last one says nothing about truncation.
        if (info.live() || info.durationMs().isEmpty() || keyframesOnly) {
            return;
        }
        long durationMs = info.durationMs().getAsLong();
        double frameMs = info.frameRate() > 0 ? 1000.0 / info.frameRate() : 0;
        long slack = Math.max(TRUNCATION_SLACK_MS, durationMs / 50) + Math.round(2 * frameMs);
        if (lastPtsMs + slack < durationMs) {
            throw new SourceException(
                    Reason.TRUNCATED,
                    info.redactedUri()
                            + " ends at "
                            + (lastPtsMs < 0 ? "0" : fmtSeconds(lastPtsMs))
                            + " s but states "
                            + fmtSeconds(durationMs)
                            + " s: the file is truncated or damaged");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(grabber);
        converter.close();
    }

    /** After close the grabber's pictures are freed: reading one would be a native crash. */
    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("source " + info.redactedUri() + " is closed");
        }
    }

    private static OptionalLong videoDurationMs(FFmpegFrameGrabber grabber) {
        // Prefer the video stream's own duration: the container's is the longest stream's, and
        // an audio track may outlast the picture.
        AVFormatContext oc = grabber.getFormatContext();
        int index = grabber.getVideoStream();
        if (oc != null && index >= 0 && index < oc.nb_streams()) {
            AVStream stream = oc.streams(index);
            AVRational tb = stream.time_base();
            if (stream.duration() != avutil.AV_NOPTS_VALUE
                    && stream.duration() > 0
                    && tb.den() > 0) {
                return OptionalLong.of(stream.duration() * 1000L * tb.num() / tb.den());
            }
        }
        long lengthUs = grabber.getLengthInTime();
        return lengthUs > 0 ? OptionalLong.of(lengthUs / 1000) : OptionalLong.empty();
    }

    private static String explain(Exception e, SourceLocation location) {
        String ffmpeg = FfmpegNative.describe(e.getMessage());
        if (ffmpeg != null) {
            return ffmpeg;
        }
        // JavaCV messages quote the input verbatim: swap it for the redacted form.
        String message = String.valueOf(e.getMessage()).replace(location.input(), location.redacted());
        return Uris.redact(message);
    }

    private static String fmtSeconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (Exception | Error e) {
            log.debug("closing grabber failed: {}", Uris.redact(String.valueOf(e)));
        }
    }

    /** The one mutable view handed out by {@link #next()}, re-pointed at each decoded frame. */
    private final class CurrentFrame implements SourceFrame {
        private Frame frame;
        private long ptsMs;

        void set(Frame frame, long ptsMs) {
            this.frame = frame;
            this.ptsMs = ptsMs;
        }

        @Override
        public long ptsMs() {
            return ptsMs;
        }

        @Override
        public int width() {
            return frame.imageWidth;
        }

        @Override
        public int height() {
            return frame.imageHeight;
        }

        @Override
        public BufferedImage toImage() {
            requireOpen();
            // RAW mode: opaque is the decoder's AVFrame, valid until the next grab.
            return converter.convert((AVFrame) frame.opaque);
        }

        @Override
        public BufferedImage toImage(int maxWidth) {
            requireOpen();
            return converter.convert((AVFrame) frame.opaque, maxWidth);
        }
    }
}
