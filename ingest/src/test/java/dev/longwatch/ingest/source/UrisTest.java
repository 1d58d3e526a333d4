package dev.longwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrisTest {

    @Test
    void shouldRemoveUserAndPasswordFromAUri() {
        assertThat(Uris.redact("rtsp://admin:s3cret@cam.local:554/stream1"))
                .isEqualTo("rtsp://***@cam.local:554/stream1");
    }

    @Test
    void shouldRemoveAPasswordContainingAnAtSign() {
        assertThat(Uris.redact("rtsp://admin:p@ss@cam.local/x")).isEqualTo("rtsp://***@cam.local/x");
    }

    @Test
    void shouldRemoveSecretQueryParameters() {
        assertThat(Uris.redact("https://cdn.example/live.m3u8?token=abc123&quality=hd&sig=zz"))
                .isEqualTo("https://cdn.example/live.m3u8?token=***&quality=hd&sig=***");
    }

    @Test
    void shouldRedactUrisInsideAMessage() {
        assertThat(Uris.redact("Could not open input \"rtsp://u:pw@h/s\" (error -2)"))
                .isEqualTo("Could not open input \"rtsp://***@h/s\" (error -2)");
    }

    @Test
    void shouldLeaveUrisWithoutCredentialsAlone() {
        assertThat(Uris.redact("http://example.com/a@b")).isEqualTo("http://example.com/a@b");
        assertThat(Uris.redact("/data/video/clip.mp4")).isEqualTo("/data/video/clip.mp4");
        assertThat(Uris.redact(null)).isNull();
    }
}
