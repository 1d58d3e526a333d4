package dev.longwatch.query.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {
    private final AllowedHosts loopback = AllowedHosts.of("127.0.0.1", List.of());

    @Test
    void shouldAllowTheServicesOwnNamesOnItsOwnPort() {
        assertThat(List.of("127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"))
                .allMatch(h -> loopback.allowsHost(h, 8080));
        assertThat(loopback.allowsHost("localhost", 80)).isTrue();
    }

    @Test
    void shouldRefuseForeignNamesOtherPortsAndGarbage() {
        assertThat(List.of(
                        "evil.example:8080", "localhost:9090", "localhost", "127.0.0.2:8080", "localhost.:8080",
                        "localhost:8080@evil", "", "[::1", "a:b:c", "localhost:99999", "127.0.0.1:8080 "))
                .noneMatch(h -> loopback.allowsHost(h, 8080));
    }

    @Test
    void shouldAllowConfiguredNamesOnAnyPortOrTheirOwnPort() {
        AllowedHosts hosts = AllowedHosts.of("::1", List.of("longwatch.lan", "proxy.lan:443"));

        assertThat(hosts.allowsHost("[::1]:8080", 8080)).isTrue();
        assertThat(hosts.allowsHost("longwatch.lan", 8080)).isTrue();
        assertThat(hosts.allowsHost("longwatch.lan:1234", 8080)).isTrue();
        assertThat(hosts.allowsHost("proxy.lan:443", 8080)).isTrue();
        assertThat(hosts.allowsHost("proxy.lan:444", 8080)).isFalse();
        assertThat(hosts.allowsOrigin("https://proxy.lan", 8080)).isTrue();
    }

    @Test
    void shouldCheckOriginsAsPagesOfTheService() {
        assertThat(loopback.allowsOrigin("http://127.0.0.1:8080", 8080)).isTrue();
        assertThat(loopback.allowsOrigin("http://localhost:8080", 8080)).isTrue();
        assertThat(List.of(
                        "null", "http://evil.example", "http://localhost:8081", "file://", "http://localhost:8080/page",
                        "ftp://localhost:8080", "http://localhost"))
                .noneMatch(o -> loopback.allowsOrigin(o, 8080));
    }

    @Test
    void shouldRefuseAConfiguredEntryThatIsNotAHost() {
        assertThatThrownBy(() -> AllowedHosts.of("127.0.0.1", List.of("http://x/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AllowedHosts.ENV);
        assertThat(AllowedHosts.parseList(" a.lan , ,b.lan:80 ")).containsExactly("a.lan", "b.lan:80");
    }
}
