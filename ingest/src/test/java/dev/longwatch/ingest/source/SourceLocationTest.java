package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.ingest.source.SourceException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceLocationTest {
    @TempDir Path dir;

    @Test
    void shouldAcceptAPlainPathAndAFileUri() throws Exception {
        Path clip = Files.writeString(dir.resolve("a b.mp4"), "x");
        assertThat(SourceLocation.resolve(clip.toString(), List.of()).kind())
                .isEqualTo(SourceLocation.Kind.FILE);
        SourceLocation fromUri = SourceLocation.resolve(clip.toUri().toString(), List.of());
        assertThat(fromUri.input()).isEqualTo(clip.toRealPath().toString());
    }

    @Test
    void shouldPassNetworkUrisThroughToFfmpeg() throws Exception {
        assertThat(SourceLocation.resolve("rtsp://cam/1", List.of()).kind())
                .isEqualTo(SourceLocation.Kind.RTSP);
        assertThat(SourceLocation.resolve("https://x/live.m3u8", List.of()).kind())
                .isEqualTo(SourceLocation.Kind.HTTP);
    }

    @Test
    void shouldRejectAnUnsupportedSchemeWithoutLeakingCredentials() {
        assertThatThrownBy(() -> SourceLocation.resolve("ftp://bob:hunter2@files/x.mp4", List.of()))
                .isInstanceOfSatisfying(
                        SourceException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_SCHEME))
                .hasMessageContaining("unsupported scheme 'ftp'")
                .hasMessageContaining("ftp://***@files/x.mp4")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("bob");
    }

    @Test
    void shouldRejectAMissingFile() {
        assertThatThrownBy(() -> SourceLocation.resolve(dir.resolve("nope.mp4").toString(), List.of()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("no such file")
                .hasMessageContaining("nope.mp4");
    }

    @Test
    void shouldRejectADirectory() {
        assertThatThrownBy(() -> SourceLocation.resolve(dir.toString(), List.of()))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void shouldRejectAFileOutsideTheAllowedRoots() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Path inside = Files.writeString(allowed.resolve("in.mp4"), "x");
        Path outside = Files.writeString(dir.resolve("out.mp4"), "x");
        assertThat(SourceLocation.resolve(inside.toString(), List.of(allowed)).input())
                .isEqualTo(inside.toRealPath().toString());
        assertThatThrownBy(() -> SourceLocation.resolve(outside.toString(), List.of(allowed)))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED))
                .hasMessageContaining("is not under the configured media roots");
        // ".." and symlinks must not escape the root either.
        String sneaky = allowed + "/../out.mp4";
        assertThatThrownBy(() -> SourceLocation.resolve(sneaky, List.of(allowed)))
                .isInstanceOf(SourceException.class);
        Path link = Files.createSymbolicLink(allowed.resolve("link.mp4"), outside);
        assertThatThrownBy(() -> SourceLocation.resolve(link.toString(), List.of(allowed)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("is not under the configured media roots");
    }

    @Test
    void shouldReadNoLocalFileWithoutMediaRoots() throws Exception {
        Path clip = Files.writeString(dir.resolve("c.mp4"), "x");
        assertThatThrownBy(() -> SourceLocation.resolve(clip.toString(), MediaRoots.none()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED));
        assertThatThrownBy(() -> SourceLocation.resolve(clip.toUri().toString(), MediaRoots.of(List.of())))
                .isInstanceOf(SourceException.class);
    }

    @Test
    void shouldNotTellWhetherAPathOutsideTheRootsExists() throws Exception {
        MediaRoots roots = MediaRoots.of(List.of(Files.createDirectories(dir.resolve("media"))));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "x");
        String existing = messageOf(() -> SourceLocation.resolve(outside.toString(), roots));
        Files.delete(outside);
        String missing = messageOf(() -> SourceLocation.resolve(outside.toString(), roots));
        assertThat(existing).isEqualTo(missing).contains("is not under the configured media roots");
        // Inside the roots a missing file may be named as missing: the user may look there.
        assertThat(messageOf(() -> SourceLocation.resolve(dir.resolve("media/none.mp4").toString(), roots)))
                .contains("no such file");
    }

    @Test
    void shouldAcceptFilesUnderARootGivenThroughASymlink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("disk1"));
        Path link = Files.createSymbolicLink(dir.resolve("media"), real);
        Path clip = Files.writeString(real.resolve("a.mp4"), "x");
        MediaRoots roots = MediaRoots.of(List.of(link));
        assertThat(SourceLocation.resolve(link.resolve("a.mp4").toString(), roots).input())
                .isEqualTo(clip.toRealPath().toString());
        assertThat(SourceLocation.resolve(clip.toString(), roots).input()).isEqualTo(clip.toRealPath().toString());
    }

    @Test
    void shouldRejectNetworkUrlsWithoutAHost() {
        for (String bad : new String[] {"http:foo.mp4", "rtsp:///stream", "http://[::1/x"}) {
            assertThatThrownBy(() -> SourceLocation.resolve(bad, MediaRoots.none()))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_URI));
        }
    }

    private static String messageOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(SourceException.class, call).getMessage();
    }

    @Test
    void shouldRejectAnEmptyUri() {
        assertThatThrownBy(() -> SourceLocation.resolve(" ", List.of()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_URI));
    }
}
