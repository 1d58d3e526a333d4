package dev.longwatch.ingest.source;

import dev.longwatch.ingest.egress.Egress;
import dev.longwatch.ingest.egress.EgressSession;
import dev.longwatch.ingest.source.SourceException.Reason;
import dev.longwatch.net.OutboundRefusedException;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.net.OwnPorts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Map;
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

    /** What a user is told when a network source is refused, whatever the rule and address. */
    public static final String REFUSED_MESSAGE = "source refused by the outbound network rules";
    /** What a user is told when a network source cannot be reached or read, whatever the cause. */
    public static final String UNREACHABLE_MESSAGE = "source unreachable";

    private final FFmpegFrameGrabber grabber;
    private final SourceInfo info;
    private final boolean keyframesOnly;
    // The network path of this source, closed with it; null for files.
    private final EgressSession session;
    private final long maxPixels;
    // Reused for every converted frame: one BufferedImage per source, see SourceFrame#toImage.
    private final BgrConverter converter = new BgrConverter();
    private final CurrentFrame current = new CurrentFrame();
    private final MediaTimeline timeline;
    private long lastPtsMs = -1;
    private boolean ended;
    private boolean closed;

    private FfmpegFrameSource(
            FFmpegFrameGrabber grabber, SourceInfo info, boolean keyframesOnly, EgressSession session, long maxPixels) {
        this.grabber = grabber;
        this.info = info;
        this.keyframesOnly = keyframesOnly;
        this.session = session;
        this.maxPixels = maxPixels;
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

    /**
     * The factory every service uses: local files under {@code roots} only, network sources
     * through {@code egress} (the outbound rules).
     */
    public static FrameSourceFactory factory(MediaRoots roots, Egress egress, SourceOptions options) {
        return new FrameSourceFactory() {
            @Override
            public FrameSource open(String uri) throws SourceException {
                return FfmpegFrameSource.open(SourceLocation.resolve(uri, roots), options, egress);
            }

            @Override
            public boolean reconnectable(String uri) {
                return SourceLocation.isRtsp(uri);
            }
        };
    }

    /**
     * Opens any local file (no media-roots check) with the default options; network URLs under the
     * built-in outbound rules. For trusted callers (benchmarks, tests), never for a user's URI.
     */
    public static FfmpegFrameSource open(String uri) throws SourceException {
        return open(
                SourceLocation.resolve(uri, MediaRoots.unrestricted()),
                SourceOptions.defaults(),
                new Egress(OutboundRules.defaults(new OwnPorts()), SourceOptions.defaults().networkTimeout()));
    }

    /**
     * Opens the source with the built-in outbound rules; for trusted callers (benchmarks) that
     * have no service around them.
     */
    public static FfmpegFrameSource open(SourceLocation location, SourceOptions options) throws SourceException {
        return open(location, options, new Egress(OutboundRules.defaults(new OwnPorts()), options.networkTimeout()));
    }

    /**
     * Opens the source and reads its stream headers.
     *
     * @param egress the path network sources take (unused for files)
     */
    public static FfmpegFrameSource open(SourceLocation location, SourceOptions options, Egress egress)
            throws SourceException {
        FfmpegNative.init();
        EgressSession session = null;
        if (location.kind().network()) {
            session = openEgress(location, egress);
        }
        try {
            return start(location, options, session);
        } catch (SourceException | RuntimeException | Error e) {
            if (session != null) {
                session.close();
            }
            throw e;
        }
    }

    private static EgressSession openEgress(SourceLocation location, Egress egress) throws SourceException {
        try {
            return egress.open(location.networkUri());
        } catch (OutboundRefusedException e) {
            throw new SourceException(
                    Reason.REFUSED, REFUSED_MESSAGE, "refused " + location.redacted() + ": " + e.detail());
        } catch (UnknownHostException e) {
            throw new SourceException(
                    Reason.UNREADABLE,
                    UNREACHABLE_MESSAGE,
                    "cannot resolve the host of " + location.redacted() + ": " + e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new SourceException(
                    Reason.UNREADABLE, UNREACHABLE_MESSAGE, "cannot open " + location.redacted() + ": " + e);
        }
    }

    private static FfmpegFrameSource start(SourceLocation location, SourceOptions options, EgressSession session)
            throws SourceException {
        String input = session == null ? location.input() : session.ffmpegUrl();
        Map<String, String> formatOptions =
                FfmpegInputOptions.format(location.kind(), options, session == null ? null : session.proxyUrl());
        if (location.kind() == SourceLocation.Kind.FILE) {
            FfmpegProbe.checkDeclaredSize(input, formatOptions, options.maxPixels(), location.redacted());
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(input);
        formatOptions.forEach(grabber::setOption);
        FfmpegInputOptions.decoder(location.kind(), options).forEach(grabber::setVideoOption);
        // RAW: the grabber hands out the decoder's own picture (YUV) without converting it. Most
        // frames are dropped by the sampler, and converting a 1080p frame to BGR costs about as
        // much as decoding it, so conversion waits for toImage() (BgrConverter), kept frames only.
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        try (FfmpegLog.Capture log = FfmpegLog.capture()) {
            try {
                // startUnsafe: start() holds a JVM-wide lock (avcodec.class) for the whole open, so
                // one camera that takes its 10 s to time out would stall every other stream's open.
                // FFmpeg's open and codec setup are thread-safe since the lock manager went (4.0).
                grabber.startUnsafe();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                closeQuietly(grabber);
                throw openFailed(location, session, e, log.joined(), options.maxPixels());
            }
        }
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
            closeQuietly(grabber);
            throw location.kind().network()
                    ? new SourceException(Reason.NO_VIDEO, UNREACHABLE_MESSAGE, "no video stream in " + location.redacted())
                    : new SourceException(Reason.NO_VIDEO, "no video stream in " + location.redacted());
        }
        // The declared size, before any frame is decoded for ingest (files were probed already).
        if ((long) grabber.getImageWidth() * grabber.getImageHeight() > options.maxPixels()) {
            String size = grabber.getImageWidth() + "x" + grabber.getImageHeight() + " pictures";
            closeQuietly(grabber);
            throw FfmpegProbe.tooLarge(location.redacted(), options.maxPixels(), size);
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
                grabber, info, options.keyframesOnly() && !info.live(), session, options.maxPixels());
    }

    /**
     * Why an open failed, in words for the user: for files what was wrong with the file; for
     * network sources only "refused" or "unreachable" (what answered, and how, goes to the log).
     */
    private static SourceException openFailed(
            SourceLocation location, EgressSession session, Exception e, String logged, long maxPixels) {
        String ffmpeg = explain(e, location);
        String detail = "cannot open " + location.redacted() + ": " + ffmpeg + (logged.isEmpty() ? "" : " (" + logged + ")");
        if (session != null) {
            if (!session.refusals().isEmpty()) {
                return new SourceException(Reason.REFUSED, REFUSED_MESSAGE, detail + "; refused: " + session.refusals());
            }
            return new SourceException(
                    Reason.UNREADABLE, UNREACHABLE_MESSAGE, detail + (session.failures().isEmpty() ? "" : "; " + session.failures()));
        }
        if (logged.contains("max pixel count")) {
            return FfmpegProbe.tooLarge(location.redacted(), maxPixels, "a picture");
        }
        if (logged.contains("not on whitelist")) {
            return new SourceException(
                    Reason.NOT_MEDIA,
                    location.redacted() + " is not a video file Longwatch reads: its format is not one of the video"
                            + " containers, raw video streams or images allowed (text, subtitles and playlists are"
                            + " refused)",
                    detail);
        }
        return new SourceException(
                Reason.UNREADABLE,
                "cannot open " + location.redacted() + ": " + ffmpeg + " (not a readable media file?)",
                detail);
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
        String refusedSize;
        // JavaCV ignores decoding errors and reads on, so a picture the decoder refused for its
        // size (max_pixels) is only seen in FFmpeg's log: caught here for decoders that run on
        // this thread. Frame-threaded decoders (H.264, HEVC) log on their own threads; their
        // refused pictures are dropped all the same, and files had their size probed at open.
        try (FfmpegLog.Capture log = FfmpegLog.capture()) {
            // Keyframes only: non-key packets are skipped before decoding, which is what makes
            // this mode fast on long files.
            frame = keyframesOnly ? grabber.grabKeyFrame() : grabber.grabImage();
            refusedSize = log.pixelLimitRefusal();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            ended = true;
            throw decodeFailed(Uris.redact(e.getMessage()));
        }
        if (refusedSize != null) {
            ended = true;
            throw FfmpegProbe.tooLarge(info.redactedUri(), maxPixels, refusedSize + " pictures");
        }
        // An HLS segment or redirect the rules refused: FFmpeg skips a segment it cannot open and
        // reads on, so the refusal is checked here rather than waiting for an error.
        if (session != null && !session.refusals().isEmpty()) {
            ended = true;
            throw new SourceException(
                    Reason.REFUSED, REFUSED_MESSAGE, info.redactedUri() + ": refused " + session.refusals());
        }
        // The decoder takes a new picture size from the stream before it asks for the buffer
        // that max_pixels refuses; the refused pictures are dropped, and FFmpeg reads on. So the
        // decoder's size is checked after every frame and at the end: a stream that grew past the
        // limit fails here with what was decoded before it kept.
        long decoderPixels = (long) grabber.getImageWidth() * grabber.getImageHeight();
        if (decoderPixels > maxPixels
                || (frame != null && frame.image != null && (long) frame.imageWidth * frame.imageHeight > maxPixels)) {
            ended = true;
            throw FfmpegProbe.tooLarge(
                    info.redactedUri(), maxPixels, grabber.getImageWidth() + "x" + grabber.getImageHeight() + " pictures");
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

    /** A failure part-way; the decoder refusing an oversized picture is told as such. */
    private SourceException decodeFailed(String cause) {
        String detail = "decoding " + info.redactedUri() + " failed after " + Math.max(0, lastPtsMs) + " ms: " + cause;
        // The decoder sets the new size before it asks for the buffer that max_pixels refuses.
        if ((long) grabber.getImageWidth() * grabber.getImageHeight() > maxPixels) {
            SourceException tooLarge = FfmpegProbe.tooLarge(
                    info.redactedUri(), maxPixels, grabber.getImageWidth() + "x" + grabber.getImageHeight() + " pictures");
            return new SourceException(Reason.TOO_LARGE, tooLarge.getMessage(), detail);
        }
        if (session != null) {
            return new SourceException(Reason.DECODE_FAILED, "the source stopped sending video", detail);
        }
        return new SourceException(Reason.DECODE_FAILED, detail);
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
        if (session != null) {
            session.close();
        }
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
            // Unsafe: release() takes the same JVM-wide lock as start() (see startUnsafe above).
            grabber.releaseUnsafe();
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
