package dev.longwatch.query.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiTokensTest {
    @Test
    void shouldParseTokensWithIdsPrefixesAndWildcard() {
        ApiTokens tokens = ApiTokens.parse("tokenAAAA=cam-*, lobby ; tokenBBBB=*");

        ApiTokens.StreamScope a = tokens.scopeOf("tokenAAAA").orElseThrow();
        assertThat(a.allows("cam-1")).isTrue();
        assertThat(a.allows("cam-")).isTrue();
        assertThat(a.allows("lobby")).isTrue();
        assertThat(a.allows("lobby-2")).isFalse();
        assertThat(a.allows("door")).isFalse();
        assertThat(tokens.scopeOf("tokenBBBB").orElseThrow().allows("anything")).isTrue();
        assertThat(tokens.scopeOf("tokenCCCC")).isEmpty();
        assertThat(tokens.scopeOf(null)).isEmpty();
        assertThat(tokens.open()).isFalse();
        assertThat(tokens.toString()).doesNotContain("tokenAAAA");
    }

    @Test
    void shouldBeOpenWhenUnsetOrBlank() {
        assertThat(ApiTokens.parse(null).open()).isTrue();
        assertThat(ApiTokens.parse("  ").open()).isTrue();
        assertThat(Access.OPEN.canSee("x")).isTrue();
    }

    @Test
    void shouldRejectMalformedSpecsWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> ApiTokens.parse("secretTokenNoScope"))
                .hasMessageContaining("token=stream")
                .hasMessageNotContaining("secretTokenNoScope");
        assertThatThrownBy(() -> ApiTokens.parse("short=cam-*")).hasMessageContaining("at least 8");
        assertThatThrownBy(() -> ApiTokens.parse("tokenAAAA=")).hasMessageContaining("at least one stream");
        assertThatThrownBy(() -> ApiTokens.parse("tokenAAAA=c*m")).hasMessageContaining("prefix ending in '*'");
        assertThatThrownBy(() -> ApiTokens.parse("tokenAAAA=a;tokenAAAA=b")).hasMessageContaining("twice");
    }

    @Test
    void shouldRefuseAnOpenApiOnANonLoopbackAddress() {
        BindPolicy.check("127.0.0.1", ApiTokens.none());
        BindPolicy.check("localhost", ApiTokens.none());
        BindPolicy.check("0.0.0.0", ApiTokens.parse("tokenAAAA=*"));

        assertThatThrownBy(() -> BindPolicy.check("0.0.0.0", ApiTokens.none()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to serve the API without authentication on '0.0.0.0'")
                .hasMessageContaining(ApiTokens.ENV);
    }
}
