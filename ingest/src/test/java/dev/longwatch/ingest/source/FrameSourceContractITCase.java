package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.RtspServerProcess;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.SourceException.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.TestAbortedException;

/**
 * The {@link FrameSource} contract, run over every kind of source {@link FfmpegFrameSource}
 * reads: the same 6 s clip (see {@link MediaFixtures}) as files in five containers and two codecs,
 * a variable-frame-rate file, over RTSP (TCP and UDP, GStreamer's server), HTTP and HTTPS (the
 * JDK's server, with Basic authentication) and HLS. Network URLs carry credentials, which must
 * never come back in the source's info, its errors or the log. Then the bad inputs: each one must
 * end in a clear {@link SourceException} and leave an open source undisturbed.
 */
class FrameSourceContractITCase {
    static final String USER = "viewer";
    static final String SECRET = "s3cr3t-Pa55";
    static final String CREDENTIALS = USER + ":" + SECRET;
    static final double SAMPLE_FPS = 2.0;
    /** One sampled frame per started half second of the clip. */
    static final int EXPECTED_SAMPLED = (int) Math.ceil(MediaFixtures.DURATION_MS / 1000.0 * SAMPLE_FPS);

    @TempDir static Path media;
    @TempDir static Path keys;
    static TestMediaServer http;
    static TestMediaServer https;
    static boolean rtspAvailable;

    private final List<AutoCloseable> perTest = new ArrayList<>();

    /** Every way a source reaches FFmpeg. */
    enum SourceKind {
        MP4_H264,
        MP4_H265,
        MKV,
        TS,
        AVI,
        MP4_VARIABLE_FRAME_RATE,
        RTSP_TCP,
        RTSP_UDP,
        HTTP,
        HTTPS,
        HLS
    }

    /**
     * One source under test.
     *
     * @param file the local file behind it (for the descriptor check), or null
     * @param serverPort the TCP port of its server (for the socket check), or -1
     * @param maxFrameIntervalMs the longest gap between two frames of the media
     */
    record Target(
            String uri,
            SourceOptions options,
            boolean live,
            int frames,
            long maxFrameIntervalMs,
            Path file,
            int serverPort) {}

    @BeforeAll
    static void createMediaAndServers() throws Exception {
        MediaFixtures.assumeAvailable();
        MediaFixtures.writeAll(media);
        http = TestMediaServer.http(media, USER, SECRET);
        https = TestMediaServer.https(media, USER, SECRET, keys);
        try {
            RtspServerProcess.assumeAvailable();
            rtspAvailable = true;
        } catch (TestAbortedException e) {
            rtspAvailable = false; // only the RTSP kinds skip
        }
    }

    @AfterAll
    static void stopServers() {
        if (http != null) {
            http.close();
        }
        if (https != null) {
            https.close();
        }
    }

    @AfterEach
    void closePerTest() throws Exception {
        for (AutoCloseable c : perTest) {
            c.close();
        }
    }

    Target target(SourceKind kind) throws Exception {
        SourceOptions options = SourceOptions.defaults().withStallTimeout(Duration.ofSeconds(5));
        int frames = MediaFixtures.FRAMES;
        long step = 1000 / MediaFixtures.FPS;
        return switch (kind) {
            case MP4_H264 -> file(MediaFixtures.H264_MP4, options);
            case MP4_H265 -> file(MediaFixtures.H265_MP4, options);
            case MKV -> file(MediaFixtures.MKV, options);
            case TS -> file(MediaFixtures.TS, options);
            case AVI -> file(MediaFixtures.AVI, options);
            case MP4_VARIABLE_FRAME_RATE -> new Target(
                    media.resolve(MediaFixtures.VFR_MP4).toString(), options, false, MediaFixtures.VFR_FRAMES,
                    1000 / 6, media.resolve(MediaFixtures.VFR_MP4), -1);
            case RTSP_TCP, RTSP_UDP -> {
                assumeTrue(rtspAvailable, "GStreamer's RTSP server is not installed (see RtspServerProcess)");
                // A server per test: the clip plays once, from the first client's PLAY.
                RtspServerProcess rtsp = RtspServerProcess.start(media.resolve(MediaFixtures.H264_MP4));
                perTest.add(rtsp);
                String uri = rtsp.uri().replace("rtsp://", "rtsp://" + CREDENTIALS + "@");
                yield new Target(
                        uri, options.withRtspTransport(kind == SourceKind.RTSP_UDP ? "udp" : "tcp"), true,
                        frames, step, null, rtsp.port());
            }
            case HTTP -> new Target(
                    http.url(CREDENTIALS, MediaFixtures.H264_MP4), options, false, frames, step, null, http.port());
            case HTTPS -> new Target(
                    https.url(CREDENTIALS, MediaFixtures.H264_MP4), options, false, frames, step, null, https.port());
            case HLS -> new Target(
                    http.url(CREDENTIALS, MediaFixtures.HLS_PLAYLIST), options, false, frames, step, null, http.port());
        };
    }

    private static Target file(String name, SourceOptions options) {
        Path file = media.resolve(name);
        return new Target(file.toString(), options, false, MediaFixtures.FRAMES, 1000 / MediaFixtures.FPS, file, -1);
    }

    /** What one pass over a source saw. */
    record Pass(SourceInfo info, List<Long> pts, List<Long> sampled, BufferedImage firstSampled,
            SourceException endedWith, List<String> threadsWhileOpen, long descriptorsWhileOpen,
            long connectionsWhileOpen, List<String> egressThreadsWhileOpen) {}

    private static Pass read(FrameSourceFactory factory, Target t) throws Exception {
        FrameSource source = factory.open(t.uri());
        try {
            List<Long> pts = new ArrayList<>();
            List<Long> sampled = new ArrayList<>();
            FrameSampler sampler = new FrameSampler(SAMPLE_FPS);
            BufferedImage first = null;
            SourceException endedWith = null;
            List<String> threads = List.of();
            long descriptors = t.file() == null ? 0 : NativeResources.descriptorsOn(t.file());
            long connections = t.serverPort() < 0 ? 0 : NativeResources.tcpConnectionsTo(t.serverPort());
            List<String> egress = NativeResources.egressThreads();
            try {
                Optional<SourceFrame> next;
                while ((next = source.next()).isPresent()) {
                    SourceFrame frame = next.get();
                    pts.add(frame.ptsMs());
                    if (pts.size() == 10) {
                        threads = NativeResources.ffmpegThreads(); // decoding is under way
                    }
                    if (sampler.accept(frame.ptsMs())) {
                        sampled.add(frame.ptsMs());
                        if (first == null) {
                            first = copy(frame.toImage());
                        }
                    }
                }
            } catch (SourceException e) {
                endedWith = e;
            }
            return new Pass(source.info(), pts, sampled, first, endedWith, threads, descriptors, connections, egress);
        } finally {
            source.close();
            source.close(); // idempotent
        }
    }

    @ParameterizedTest
    @EnumSource(SourceKind.class)
    void shouldHonourTheFrameSourceContract(SourceKind kind) throws Exception {
        Target t = target(kind);
        FrameSourceFactory factory = TestSources.lab(media, t.options());
        Pass pass;
        List<String> log;
        try (LogCapture capture = new LogCapture()) {
            pass = read(factory, t);
            log = capture.lines();
        }

        // Facts about the source, without credentials.
        SourceInfo info = pass.info();
        assertThat(info.width()).isEqualTo(MediaFixtures.WIDTH);
        assertThat(info.height()).isEqualTo(MediaFixtures.HEIGHT);
        assertThat(info.live()).isEqualTo(t.live());
        // Files state their duration. A live source may too: GStreamer's server announces the
        // clip's range (npt=0-6) in its SDP; a camera states none.
        if (!t.live() || info.durationMs().isPresent()) {
            assertThat(info.durationMs().orElseThrow()).isBetween(MediaFixtures.DURATION_MS - 50, MediaFixtures.DURATION_MS + 50);
        }
        // Nominal only (sampling never uses it), but within a factor of two of the real rate:
        // AVI states 50 for this 25 fps stream, the VFR file its average of 28.7.
        double realRate = pass.pts().size() * 1000.0 / MediaFixtures.DURATION_MS;
        assertThat(info.frameRate()).isBetween(realRate / 2, realRate * 2);
        assertThat(info.redactedUri()).doesNotContain(SECRET).doesNotContain(USER);
        assertThat(info.toString()).doesNotContain(SECRET);
        if (t.serverPort() > 0) {
            assertThat(info.redactedUri()).contains("***@127.0.0.1:" + t.serverPort());
        }

        // Frames in presentation order, timed from the media, from 0.
        List<Long> pts = pass.pts();
        assertThat(pts).first().isEqualTo(0L);
        assertThat(pts).isSorted();
        if (t.live()) {
            // A live source ends (or drops) after the clip; anything lost must be the odd frame.
            assertThat(pts.size()).isBetween(t.frames() - 5, t.frames());
            assertThat(pts.get(pts.size() - 1)).isGreaterThanOrEqualTo(MediaFixtures.DURATION_MS - 200);
            if (pass.endedWith() != null) {
                assertThat(pass.endedWith().getMessage()).doesNotContain(SECRET);
            }
        } else {
            assertThat(pass.endedWith()).as("a complete file reads to its end").isNull();
            assertThat(pts).hasSize(t.frames()).doesNotHaveDuplicates();
            assertThat(pts.get(pts.size() - 1)).isLessThan(MediaFixtures.DURATION_MS);
        }

        // Sampling by presentation time: one frame per started 1/SAMPLE_FPS of media.
        assertThat(pass.sampled().size()).isBetween(EXPECTED_SAMPLED - 1, EXPECTED_SAMPLED + 1);
        if (!t.live()) {
            for (int k = 0; k < pass.sampled().size(); k++) {
                long boundary = Math.round(k * 1000 / SAMPLE_FPS);
                assertThat(pass.sampled().get(k)).isBetween(boundary, boundary + t.maxFrameIntervalMs());
            }
        }
        assertThat(pass.firstSampled().getWidth()).isEqualTo(MediaFixtures.WIDTH);
        assertThat(pass.firstSampled().getHeight()).isEqualTo(MediaFixtures.HEIGHT);
        assertThat(distinctColours(pass.firstSampled())).as("a real picture, not a blank").isGreaterThan(100);

        // Credentials never reach the log (captured down to debug and FFmpeg's verbose level).
        assertThat(log).noneMatch(line -> line.contains(SECRET));
        assertThat(log).anyMatch(line -> line.contains("opened " + info.redactedUri()));

        // Native resources: held while open, released by close.
        assertThat(pass.threadsWhileOpen()).as("FFmpeg's decoder threads while decoding").isNotEmpty();
        assertThat(NativeResources.ffmpegThreads()).as("FFmpeg threads after close").isEmpty();
        if (t.file() != null) {
            assertThat(pass.descriptorsWhileOpen()).isPositive();
            assertThat(NativeResources.descriptorsOn(t.file())).isZero();
        }
        if (t.serverPort() > 0) {
            // Network sources go out through their egress session (the outbound rules): its
            // threads live while the source is open and end with it. An RTSP session holds its
            // connection to the camera throughout; the HTTP proxy closes each upstream
            // connection as soon as the server has sent its response, so only "none after close"
            // holds for those.
            assertThat(pass.egressThreadsWhileOpen()).as("egress session while open").isNotEmpty();
            if (t.live()) {
                assertThat(pass.connectionsWhileOpen()).isPositive();
            }
            NativeResources.awaitNoEgressThreads();
            assertThat(NativeResources.tcpConnectionsTo(t.serverPort())).isZero();
        }
    }

    @Test
    void shouldRefuseToBeReadAfterClose() throws Exception {
        FrameSource source = TestSources.lab(media, SourceOptions.defaults())
                .open(media.resolve(MediaFixtures.H264_MP4).toString());
        SourceFrame frame = source.next().orElseThrow();
        source.close();
        source.close();

        // The decoder's pictures are freed: touching them would crash the JVM, so both refuse.
        assertThatThrownBy(source::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(frame::toImage).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldSampleTheVariableFrameRateFileByPresentationTimeNotByFrameIndex() throws Exception {
        Target t = target(SourceKind.MP4_VARIABLE_FRAME_RATE);
        Pass pass = read(TestSources.lab(media, t.options()), t);

        // The three parts really have different frame intervals: 33, 166 and 20 ms.
        List<Long> pts = pass.pts();
        assertThat(pts).hasSize(MediaFixtures.VFR_FRAMES);
        assertThat(pts.get(1) - pts.get(0)).isBetween(33L, 34L);
        assertThat(pts.get(61) - pts.get(60)).isBetween(166L, 167L);
        assertThat(pts.get(pts.size() - 1) - pts.get(pts.size() - 2)).isBetween(19L, 21L);
        // Sampled by time: the first frame at or after every 500 ms, 12 of them.
        assertThat(pass.sampled()).hasSize(12);
        for (int k = 0; k < 12; k++) {
            assertThat(pass.sampled().get(k)).isBetween(k * 500L, k * 500L + 167);
        }
        // Sampling by index at the average rate (every 28.7 / 2 frames) would have given 3 frames
        // a second in the first part and one every 2.4 s in the second.
        int everyNth = (int) Math.round(pass.info().frameRate() / SAMPLE_FPS);
        List<Long> byIndex = new ArrayList<>();
        for (int i = 0; i < pts.size(); i += everyNth) {
            byIndex.add(pts.get(i));
        }
        assertThat(byIndex).isNotEqualTo(pass.sampled());
        assertThat(byIndex.stream().filter(p -> p >= 2000 && p < 4000)).hasSizeLessThan(2);
    }

    /** Inputs that must fail clearly. */
    enum BadInput {
        TRUNCATED_FILE(Reason.TRUNCATED, "truncated"),
        RANDOM_BYTES_NAMED_MP4(Reason.UNREADABLE, "Invalid data found when processing input"),
        // Network sources: the user is told no more than this; the log says what happened.
        UNREACHABLE_RTSP_HOST(Reason.UNREADABLE, "source unreachable"),
        UNREACHABLE_HTTP_HOST(Reason.UNREADABLE, "source unreachable"),
        LOOPBACK_NOT_ALLOWED(Reason.REFUSED, "source refused by the outbound network rules"),
        FILE_OUTSIDE_ALLOWED_ROOTS(Reason.NOT_ALLOWED, "is not under the configured media roots"),
        UNSUPPORTED_SCHEME(Reason.UNSUPPORTED_SCHEME, "unsupported scheme 'ftp'");

        final Reason reason;
        final String message;

        BadInput(Reason reason, String message) {
            this.reason = reason;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(BadInput.class)
    void shouldEndBadInputInAClearSourceExceptionWithoutDisturbingAnotherSource(BadInput bad, @TempDir Path other)
            throws Exception {
        String uri = badUri(bad, other);
        FrameSourceFactory factory =
                TestSources.lab(media, SourceOptions.defaults().withStallTimeout(Duration.ofSeconds(3)));
        try (LogCapture capture = new LogCapture();
                FrameSource good = factory.open(http.url(CREDENTIALS, MediaFixtures.H264_MP4))) {
            int frames = 0;
            while (frames < 50 && good.next().isPresent()) {
                frames++;
            }

            assertThatThrownBy(() -> readToEnd(factory, uri))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(bad.reason))
                    .hasMessageContaining(bad.message)
                    .hasMessageNotContaining(SECRET);

            // The other source goes on to its end.
            while (good.next().isPresent()) {
                frames++;
            }
            assertThat(frames).isEqualTo(MediaFixtures.FRAMES);
            assertThat(capture.lines()).noneMatch(line -> line.contains(SECRET));
        }
    }

    private String badUri(BadInput bad, Path other) throws IOException {
        switch (bad) {
            case TRUNCATED_FILE: {
                // The index is at the front (faststart), so it opens and ends early.
                Path truncated = media.resolve("truncated.mp4");
                copyPrefix(media.resolve(MediaFixtures.H264_MP4), truncated, 0.4);
                return truncated.toString();
            }
            case RANDOM_BYTES_NAMED_MP4: {
                byte[] noise = new byte[64 * 1024];
                new Random(7).nextBytes(noise);
                return Files.write(media.resolve("noise.mp4"), noise).toString();
            }
            case UNREACHABLE_RTSP_HOST:
                return "rtsp://" + CREDENTIALS + "@127.0.0.1:" + closedPort() + "/clip";
            case UNREACHABLE_HTTP_HOST:
                return "http://" + CREDENTIALS + "@127.0.0.1:" + closedPort() + "/clip.mp4";
            case LOOPBACK_NOT_ALLOWED:
                // Only 127.0.0.1/32 is allowed for the test servers; the rest of loopback is not.
                return "http://" + CREDENTIALS + "@127.0.0.2:" + http.port() + "/" + MediaFixtures.H264_MP4;
            case FILE_OUTSIDE_ALLOWED_ROOTS: {
                Path outside = other.resolve("elsewhere.mp4");
                Files.copy(media.resolve(MediaFixtures.H264_MP4), outside);
                return outside.toString();
            }
            case UNSUPPORTED_SCHEME:
                return "ftp://" + CREDENTIALS + "@127.0.0.1/clip.mp4";
            default:
                throw new IllegalArgumentException(bad.name());
        }
    }

    private static void readToEnd(FrameSourceFactory factory, String uri) throws SourceException {
        try (FrameSource source = factory.open(uri)) {
            while (source.next().isPresent()) {
                // decode everything: truncation shows at the end
            }
        }
    }

    /** A loopback port nothing listens on (just released by the OS). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void copyPrefix(Path from, Path to, double fraction) throws IOException {
        try (InputStream in = Files.newInputStream(from);
                OutputStream out = Files.newOutputStream(to)) {
            out.write(in.readNBytes((int) (Files.size(from) * fraction)));
        }
    }

    private static long distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static BufferedImage copy(BufferedImage img) {
        BufferedImage c = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        c.getGraphics().drawImage(img, 0, 0, null);
        return c;
    }
}
