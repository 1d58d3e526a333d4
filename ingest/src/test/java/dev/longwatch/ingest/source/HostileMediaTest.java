package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that FFmpeg, left to itself, turns into frames or follows elsewhere: each must end in a
 * clear refusal, which shows the option behind it ({@link FfmpegInputOptions}) took effect. Made
 * with Debian's {@code ffmpeg} where they are media; skipped without it.
 */
class HostileMediaTest {
    @TempDir static Path media;
    static Path clip;

    @BeforeAll
    static void makeMedia() throws Exception {
        assumeTrue(Files.isExecutable(MediaFixtures.FFMPEG), "Debian's ffmpeg missing: apt-get install ffmpeg");
        MediaFixtures.ffmpeg(media, List.of("-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2",
                "-c:v", "mpeg4", "-q:v", "5", "small.mp4"));
        clip = media.resolve("small.mp4");
    }

    private static FrameSourceFactory sources(long maxPixels) {
        return TestSources.lab(media, SourceOptions.defaults().withMaxPixels(maxPixels));
    }

    private static SourceException refusal(String uri) {
        return catchThrowableOfType(SourceException.class, () -> {
            try (FrameSource source = sources(SourceOptions.DEFAULT_MAX_PIXELS).open(uri)) {
                while (source.next().isPresent()) {
                    // read to the end: a refusal may come mid-way
                }
            }
        });
    }

    @Test
    void shouldReadTheOrdinaryClip() throws Exception {
        try (FrameSource source = sources(SourceOptions.DEFAULT_MAX_PIXELS).open(clip.toString())) {
            int n = 0;
            while (source.next().isPresent()) {
                n++;
            }
            assertThat(n).isEqualTo(20);
        }
    }

    @Test
    void shouldRefuseATextFileWhichFfmpegWouldRenderAsVideo() throws Exception {
        Path notes = Files.writeString(media.resolve("notes.txt"), "meeting at noon\npassword: hunter2\n".repeat(40));
        SourceException e = refusal(notes.toString());
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.NOT_MEDIA);
        assertThat(e).hasMessageContaining("is not a video file");
        assertThat(e.detail()).contains("not on whitelist");
    }

    @Test
    void shouldRefuseASubtitleFile() throws Exception {
        Path srt = Files.writeString(media.resolve("talk.srt"),
                "1\n00:00:00,000 --> 00:00:02,000\nHello\n\n2\n00:00:02,000 --> 00:00:04,000\nWorld\n");
        assertThat(refusal(srt.toString()).reason()).isEqualTo(Reason.NOT_MEDIA);
    }

    @Test
    void shouldRefusePlaylistsThatNameOtherFiles() throws Exception {
        Path m3u = Files.writeString(media.resolve("list.m3u8"),
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + clip + "\n#EXT-X-ENDLIST\n");
        assertThat(refusal(m3u.toString()).reason()).isEqualTo(Reason.NOT_MEDIA);
        Path concat = Files.writeString(media.resolve("list.ffconcat"), "ffconcat version 1.0\nfile '" + clip + "'\n");
        assertThat(refusal(concat.toString()).reason()).isEqualTo(Reason.NOT_MEDIA);
        Path plain = Files.writeString(media.resolve("list.m3u"), clip + "\n");
        assertThat(refusal(plain.toString())).isNotNull();
    }

    @Test
    void shouldNotTurnATextNamedJpgIntoAFrame() throws Exception {
        Path fake = Files.writeString(media.resolve("photo.jpg"), "this is not a picture\n".repeat(50));
        SourceException e = refusal(fake.toString());
        assertThat(e).isNotNull();
        assertThat(e.reason()).isIn(Reason.NOT_MEDIA, Reason.UNREADABLE, Reason.NO_VIDEO);
    }

    @Test
    void shouldNotExpandAnImageSequencePattern() throws Exception {
        MediaFixtures.ffmpeg(media, List.of("-f", "lavfi", "-i", "testsrc=size=64x48:rate=1:duration=3",
                "img%d.png"));
        Path pattern = Files.writeString(media.resolve("img%d.png"), "placeholder");
        // With pattern_type=none the name is one file (a text here), never img1.png, img2.png...
        assertThat(refusal(pattern.toString())).isNotNull();
    }

    @Test
    void shouldRefuseAPixelBombBeforeDecodingIt() throws Exception {
        // 9000 x 9000 black: a few hundred KB of PNG, 81 million pixels (243 MB decoded).
        MediaFixtures.ffmpeg(media, List.of("-f", "lavfi", "-i", "color=black:size=9000x9000", "-frames:v", "1",
                "bomb.png"));
        SourceException e = refusal(media.resolve("bomb.png").toString());
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(e).hasMessageContaining("larger than the limit of 33177600 pixels");
    }

    @Test
    void shouldStopAtAPictureThatGrowsPastTheLimitMidStreamKeepingTheFramesBefore() throws Exception {
        // 2 s at 160x90, then 1 s at 640x360 in one transport stream: the size a demuxer reports
        // is the first part's, so only the decoder (max_pixels) meets the larger pictures.
        MediaFixtures.ffmpeg(media, List.of("-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2",
                "-c:v", "mpeg2video", "-f", "mpegts", "part1.ts"));
        MediaFixtures.ffmpeg(media, List.of("-f", "lavfi", "-i", "testsrc=size=640x360:rate=10:duration=1",
                "-c:v", "mpeg2video", "-f", "mpegts", "part2.ts"));
        Path grows = media.resolve("grows.ts");
        Files.write(grows, Files.readAllBytes(media.resolve("part1.ts")));
        Files.write(grows, Files.readAllBytes(media.resolve("part2.ts")), java.nio.file.StandardOpenOption.APPEND);
        long limit = 160L * 90 * 2;
        int frames = 0;
        SourceException end = null;
        try (FrameSource source = sources(limit).open(grows.toString())) {
            assertThat(source.info().width()).isEqualTo(160);
            try {
                Optional<SourceFrame> f;
                while ((f = source.next()).isPresent()) {
                    assertThat((long) f.get().width() * f.get().height()).isLessThanOrEqualTo(limit);
                    frames++;
                }
            } catch (SourceException e) {
                end = e;
            }
        }
        assertThat(frames).isGreaterThan(10);
        assertThat(end).isNotNull();
        assertThat(end.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(end).hasMessageContaining("640x360");
    }

    @Test
    void shouldRefuseTextAndFileSegmentsOverHttpGenerically() throws Exception {
        Path served = Files.createDirectories(media.resolve("www"));
        Files.writeString(served.resolve("notes.txt"), "internal wiki page\n".repeat(100));
        Files.writeString(served.resolve("local.m3u8"),
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile://" + clip + "\n#EXT-X-ENDLIST\n");
        try (TestMediaServer http = TestMediaServer.http(served, "u", "p")) {
            for (String path : List.of("notes.txt", "local.m3u8")) {
                SourceException e = refusal(http.url("u:p", path));
                assertThat(e).as(path).isNotNull();
                assertThat(e.getMessage()).as(path).isIn("source unreachable", "source refused by the outbound network rules");
            }
        }
    }

    @Test
    void shouldRefuseAFileUrlInsteadOfAPath() {
        assertThatThrownBy(() -> sources(SourceOptions.DEFAULT_MAX_PIXELS).open("file:///etc/passwd"))
                .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED));
    }
}
