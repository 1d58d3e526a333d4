package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.SourceException.Reason;
import dev.longwatch.ingest.synthetic.SyntheticVideo;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FfmpegFrameSourceTest {
    static final Path VIDEOS = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video").toAbsolutePath().normalize();

    @TempDir Path dir;

    /** Every decoded pts, and the pts of the frames a 1 fps sampler keeps. */
    record Decoded(SourceInfo info, List<Long> all, List<Long> sampled, BufferedImage firstSampled) {}

    static Decoded decodeAll(String uri, double fps) throws SourceException {
        try (FfmpegFrameSource source = FfmpegFrameSource.open(uri)) {
            FrameSampler sampler = new FrameSampler(fps);
            List<Long> all = new ArrayList<>();
            List<Long> sampled = new ArrayList<>();
            BufferedImage first = null;
            Optional<SourceFrame> f;
            while ((f = source.next()).isPresent()) {
                all.add(f.get().ptsMs());
                if (sampler.accept(f.get().ptsMs())) {
                    sampled.add(f.get().ptsMs());
                    if (first == null) {
                        BufferedImage img = f.get().toImage();
                        first = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
                        first.getGraphics().drawImage(img, 0, 0, null);
                    }
                }
            }
            return new Decoded(source.info(), all, sampled, first);
        }
    }

    @Test
    void shouldScaleWhileConvertingToTheSamePictureAsAtFullSize() throws Exception {
        SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("scale.mp4"));
        try (FfmpegFrameSource source = FfmpegFrameSource.open(clip.path().toString())) {
            for (int i = 0; i < 60; i++) { // past the first scene change, mid-scene 0 at 2.4 s
                source.next();
            }
            SourceFrame frame = source.next().orElseThrow();
            BufferedImage full = copy(frame.toImage());
            BufferedImage half = copy(frame.toImage(160));
            BufferedImage wide = frame.toImage(10_000);

            assertThat(full.getWidth()).isEqualTo(320);
            assertThat(full.getHeight()).isEqualTo(240);
            assertThat(half.getWidth()).isEqualTo(160);
            assertThat(half.getHeight()).isEqualTo(120);
            assertThat(wide.getWidth()).as("never scaled up").isEqualTo(320);
            // Each scaled pixel is close to the mean of the 2x2 block it stands for (about 1.5 here).
            long off = 0;
            long sum = 0;
            int n = 0;
            for (int y = 0; y < 120; y += 7) {
                for (int x = 0; x < 160; x += 7) {
                    for (int c = 0; c < 24; c += 8) {
                        int block = 0;
                        for (int d = 0; d < 4; d++) {
                            block += (full.getRGB(2 * x + d % 2, 2 * y + d / 2) >> c) & 0xFF;
                        }
                        int diff = Math.abs(block / 4 - ((half.getRGB(x, y) >> c) & 0xFF));
                        off = Math.max(off, diff);
                        sum += diff;
                        n++;
                    }
                }
            }
            // Edges of the moving pattern differ most (bilinear vs a box mean): about 45 here.
            assertThat(off).as("largest channel difference").isLessThan(64);
            assertThat((double) sum / n).as("mean channel difference").isLessThan(4);
        }
    }

    private static BufferedImage copy(BufferedImage img) {
        BufferedImage c = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        c.getGraphics().drawImage(img, 0, 0, null);
        return c;
    }

    private static Path clip(String name) {
        Path p = VIDEOS.resolve(name);
        assumeTrue(Files.isReadable(p), "shared clip missing: " + p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"malmm-example-70s.mp4", "videollama-boat.mp4"})
    void shouldSampleRealClipsAtOneFramePerSecondOfMediaTime(String name) throws Exception {
        Decoded d = decodeAll(clip(name).toString(), 1.0);

        long durationMs = d.info().durationMs().orElseThrow();
        assertThat(d.all()).first().isEqualTo(0L);
        assertThat(d.all()).isSorted();
        assertThat(d.all().get(d.all().size() - 1)).isLessThanOrEqualTo(durationMs);
        // One frame per started second: duration * fps, give or take the last partial second.
        assertThat(d.sampled().size()).isBetween((int) (durationMs / 1000), (int) (durationMs / 1000) + 1);
        for (int k = 0; k < d.sampled().size(); k++) {
            // The first frame at/after k seconds, and within one source frame of it.
            assertThat(d.sampled().get(k)).isBetween(k * 1000L, k * 1000L + 1000 / 20);
        }
        assertThat(d.info().live()).isFalse();
        assertThat(d.firstSampled().getWidth()).isEqualTo(d.info().width());
    }

    @Test
    void shouldReportTheMediaDurationAndSize() throws Exception {
        try (FfmpegFrameSource source = FfmpegFrameSource.open(clip("malmm-example-70s.mp4").toString())) {
            assertThat(source.info().durationMs().orElseThrow()).isBetween(70_000L, 70_500L);
            assertThat(source.info().width()).isEqualTo(640);
            assertThat(source.info().height()).isEqualTo(360);
        }
    }

    @Test
    void shouldDecodeASyntheticVideoWithTimestampsFromTheMedia() throws Exception {
        SyntheticVideo.Clip clip =
                SyntheticVideo.write(dir.resolve("synthetic.mp4"), new SyntheticVideo.Options(3, 2, 25, 160, 120));

        Decoded d = decodeAll(clip.path().toUri().toString(), 2.0);

        assertThat(d.all()).hasSize(clip.frames());
        assertThat(d.all()).isSorted().doesNotHaveDuplicates();
        // 25 fps: frame i at 40*i ms, however the muxer stores it.
        assertThat(d.all().get(10)).isEqualTo(400L);
        assertThat(d.sampled()).containsExactly(
                        0L, 520L, 1000L, 1520L, 2000L, 2520L, 3000L, 3520L, 4000L, 4520L, 5000L, 5520L);
        assertThat(d.info().durationMs()).hasValue(clip.durationMs());
    }

    @Test
    void shouldFailClearlyOnATruncatedFile() throws Exception {
        Path source = clip("malmm-example-70s.mp4");
        Path truncated = dir.resolve("truncated.mp4");
        copyPrefix(source, truncated, Files.size(source) / 10);

        List<Long> before = new ArrayList<>();
        try (FfmpegFrameSource s = FfmpegFrameSource.open(truncated.toString())) {
            assertThatThrownBy(
                            () -> {
                                Optional<SourceFrame> f;
                                while ((f = s.next()).isPresent()) {
                                    before.add(f.get().ptsMs());
                                }
                            })
                    .isInstanceOfSatisfying(
                            SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
                    .hasMessageContaining("truncated")
                    .hasMessageContaining("ends at 5.0 s")
                    .hasMessageMatching(".*states 70\\.[34] s.*");
        }
        // The frames before the cut were still delivered.
        assertThat(before).isNotEmpty().isSorted();
    }

    @Test
    void shouldFailClearlyOnAFileCutBeforeItsIndex() throws Exception {
        // moviechat-fragment keeps its index (moov) at the end: the first 10% cannot be opened.
        Path source = clip("moviechat-fragment.mp4");
        Path truncated = dir.resolve("no-index.mp4");
        copyPrefix(source, truncated, Files.size(source) / 10);

        assertThatThrownBy(() -> FfmpegFrameSource.open(truncated.toString()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE))
                .hasMessageStartingWith("cannot open " + truncated + ": ")
                .hasMessageEndingWith("(not a readable media file?)");
    }

    @Test
    void shouldFailClearlyOnRandomBytesNamedMp4() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        Path fake = Files.write(dir.resolve("noise.mp4"), noise);

        assertThatThrownBy(() -> FfmpegFrameSource.open(fake.toString()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE))
                .hasMessage(
                        "cannot open "
                                + fake
                                + ": Invalid data found when processing input (not a readable media"
                                + " file?)");
    }

    @Test
    void shouldFailClearlyOnAMissingFile() {
        assertThatThrownBy(() -> FfmpegFrameSource.open(dir.resolve("missing.mp4").toString()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("no such file");
    }

    @Test
    void shouldFailClearlyOnAnUnsupportedScheme() {
        assertThatThrownBy(() -> FfmpegFrameSource.open("ftp://example.com/clip.mp4"))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SCHEME));
    }

    @Test
    void shouldNotLeakCredentialsOrWhatAnsweredWhenANetworkSourceFails() {
        // Port 9 on loopback (allowed here as a lab address): nothing listens, so the connection
        // is refused at once. The user is told "unreachable" only; the log has the rest.
        String uri = "rtsp://admin:hunter2@127.0.0.1:9/stream";
        assertThatThrownBy(() -> TestSources.lab(null, SourceOptions.defaults()).open(uri))
                .isInstanceOfSatisfying(
                        SourceException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(Reason.UNREADABLE);
                            assertThat(e.detail()).contains("rtsp://***@127.0.0.1:9/stream").doesNotContain("hunter2");
                        })
                .hasMessage("source unreachable");
    }

    @Test
    void shouldEnforceAllowedRootsThroughTheFactory() {
        FrameSourceFactory factory = TestSources.lab(dir, SourceOptions.defaults());
        assertThatThrownBy(() -> factory.open(clip("videollama-boat.mp4").toString()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED));
    }

    private static void copyPrefix(Path from, Path to, long bytes) throws Exception {
        try (InputStream in = Files.newInputStream(from);
                OutputStream out = Files.newOutputStream(to)) {
            out.write(in.readNBytes((int) bytes));
        }
    }
}
