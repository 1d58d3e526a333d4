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
                .hasMessageContaining("outside the allowed roots");
        // ".." and symlinks must not escape the root either.
        String sneaky = allowed + "/../out.mp4";
        assertThatThrownBy(() -> SourceLocation.resolve(sneaky, List.of(allowed)))
                .isInstanceOf(SourceException.class);
        Path link = Files.createSymbolicLink(allowed.resolve("link.mp4"), outside);
        assertThatThrownBy(() -> SourceLocation.resolve(link.toString(), List.of(allowed)))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("outside the allowed roots");
    }

    @Test
    void shouldRejectAnEmptyUri() {
        assertThatThrownBy(() -> SourceLocation.resolve(" ", List.of()))
                .isInstanceOfSatisfying(
                        SourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_URI));
    }
}
