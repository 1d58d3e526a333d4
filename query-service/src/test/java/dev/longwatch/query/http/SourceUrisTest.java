package dev.longwatch.query.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceUrisTest {
    @Test
    void shouldRedactPasswordsAndBareTokensButKeepTheRest() {
        assertThat(SourceUris.redact("rtsp://admin:pa:ss@cam:554/s1?x=1")).isEqualTo("rtsp://admin:***@cam:554/s1?x=1");
        assertThat(SourceUris.redact("https://token123@host/live.m3u8")).isEqualTo("https://***@host/live.m3u8");
        assertThat(SourceUris.redact("rtsp://cam/live?user=a@b")).isEqualTo("rtsp://cam/live?user=a@b");
        assertThat(SourceUris.redact("/data/a@b.mp4")).isEqualTo("/data/a@b.mp4");
    }

    @Test
    void shouldAcceptSchemesCaseInsensitively() {
        assertThatCode(() -> SourceUris.check("RTSP://cam/live")).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectControlCharacters() {
        assertThatThrownBy(() -> SourceUris.check("/data/a\n.mp4"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_uri"));
    }
}
