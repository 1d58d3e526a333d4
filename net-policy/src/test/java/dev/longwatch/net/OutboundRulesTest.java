package dev.longwatch.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboundRulesTest {
    /** A fixed DNS: names to addresses, as a hostile resolver would answer. */
    private static final Map<String, String[]> DNS =
            Map.of(
                    "camera.lan", new String[] {"192.168.1.20"},
                    "metadata.evil", new String[] {"169.254.169.254"},
                    "half.evil", new String[] {"203.0.113.7", "127.0.0.1"},
                    "mapped.evil", new String[] {"::ffff:127.0.0.1"},
                    "nat64.evil", new String[] {"64:ff9b::7f00:1"},
                    "public.example", new String[] {"203.0.113.7", "2001:db8::7"},
                    "me.host", new String[] {"10.9.8.7"});
    private static final HostResolver RESOLVER =
            host -> {
                String[] names = DNS.get(host);
                if (names == null) {
                    // Numeric forms resolve without DNS, as the system resolver does.
                    if (host.chars().allMatch(c -> c == '.' || c == ':' || Character.isLetterOrDigit(c))
                            && (host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
                        return new InetAddress[] {InetAddress.getByName(host)};
                    }
                    throw new UnknownHostException(host);
                }
                InetAddress[] out = new InetAddress[names.length];
                for (int i = 0; i < names.length; i++) {
                    out[i] = InetAddress.getByName(names[i]);
                }
                return out;
            };
    /** This "host" has 10.9.8.7 on an interface, besides loopback. */
    private static final LocalAddresses LOCAL =
            a -> a.isLoopbackAddress() || a.getHostAddress().equals("10.9.8.7");

    private static OutboundRules rules(List<String> allow, List<String> deny, OwnPorts own) {
        return new OutboundRules(
                allow.stream().map(Cidr::parse).toList(),
                deny.stream().map(Cidr::parse).toList(),
                own,
                RESOLVER,
                LOCAL);
    }

    private static final OutboundRules DEFAULTS = rules(List.of(), List.of(), new OwnPorts().add(9400));

    @Test
    void shouldAllowCamerasOnThePrivateLanAndPublicHostsPinnedToWhatWasChecked() throws Exception {
        Destination camera = DEFAULTS.check(URI.create("rtsp://user:pw@camera.lan/stream1"));
        assertThat(camera.port()).isEqualTo(554);
        assertThat(camera.addresses()).containsExactly(InetAddress.getByName("192.168.1.20"));
        Destination web = DEFAULTS.check(URI.create("https://public.example/v.m3u8"));
        assertThat(web.port()).isEqualTo(443);
        assertThat(web.addresses()).hasSize(2);
        assertThat(DEFAULTS.check(URI.create("http://10.0.0.5:8080/a.mp4")).port()).isEqualTo(8080);
    }

    @Test
    void shouldRefuseLoopbackLinkLocalAndThisHostWithAGenericMessage() {
        for (String url : new String[] {
            "http://127.0.0.1:9400/metrics?.txt", "http://127.5.5.5/", "http://[::1]/", "http://metadata.evil/latest",
            "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://mapped.evil/", "http://nat64.evil/",
            "http://[::ffff:7f00:1]/", "http://[2002:7f00:1::]/", "http://me.host:8080/", "http://0.0.0.0:8080/",
            "http://224.0.0.1/", "http://255.255.255.255/", "http://[::]/", "http://[ff02::1]/", "rtsp://half.evil/"
        }) {
            assertThatThrownBy(() -> DEFAULTS.check(URI.create(url)))
                    .as(url)
                    .isInstanceOf(OutboundRefusedException.class)
                    .hasMessage("refused by the outbound network rules");
        }
    }

    @Test
    void shouldNameTheAddressAndRuleInTheDetailOnly() {
        assertThatThrownBy(() -> DEFAULTS.check(URI.create("http://metadata.evil/x")))
                .isInstanceOfSatisfying(
                        OutboundRefusedException.class,
                        e -> assertThat(e.detail()).contains("169.254.169.254").contains("link-local"));
        assertThatThrownBy(() -> DEFAULTS.check(URI.create("http://half.evil/x")))
                .isInstanceOfSatisfying(
                        OutboundRefusedException.class, e -> assertThat(e.detail()).contains("127.0.0.1"));
    }

    @Test
    void shouldLetTheOperatorAllowALabAddressButNeverTheServicesOwnPorts() throws Exception {
        OutboundRules lab = rules(List.of("127.0.0.1/32", "10.9.8.7/32"), List.of(), new OwnPorts().add(9400).add(8080));
        assertThat(lab.check("127.0.0.1", 554).addresses()).hasSize(1);
        assertThat(lab.check("me.host", 554).addresses()).hasSize(1);
        assertThatThrownBy(() -> lab.check("127.0.0.2", 554)).isInstanceOf(OutboundRefusedException.class);
        for (String url : new String[] {"http://127.0.0.1:9400/metrics", "http://me.host:8080/", "http://[::ffff:127.0.0.1]:8080/"}) {
            assertThatThrownBy(() -> lab.check(URI.create(url)))
                    .as(url)
                    .isInstanceOfSatisfying(
                            OutboundRefusedException.class, e -> assertThat(e.detail()).contains("own ports"));
        }
        // Own ports only matter on this host: a camera on the LAN may well listen on 8080.
        assertThat(lab.check("camera.lan", 8080).port()).isEqualTo(8080);
    }

    @Test
    void shouldLetDenyBeatAllow() {
        OutboundRules strict = rules(List.of("192.168.1.0/24"), List.of("192.168.0.0/16"), new OwnPorts());
        assertThatThrownBy(() -> strict.check("camera.lan", 554))
                .isInstanceOfSatisfying(
                        OutboundRefusedException.class,
                        e -> assertThat(e.detail()).contains("denied network 192.168.0.0/16"));
    }

    @Test
    void shouldNeverAllowUnspecifiedOrMulticastEvenWhenListed() {
        OutboundRules wide = rules(List.of("0.0.0.0/0", "::/0"), List.of(), new OwnPorts());
        for (String host : new String[] {"0.0.0.0", "224.0.0.251", "255.255.255.255", "::", "ff02::1"}) {
            assertThatThrownBy(() -> wide.check(host, 80)).as(host).isInstanceOf(OutboundRefusedException.class);
        }
    }

    @Test
    void shouldReportNamesThatDoNotResolveAsUnknownNotRefused() {
        assertThatThrownBy(() -> DEFAULTS.check(URI.create("http://nowhere.invalid/")))
                .isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> DEFAULTS.check(URI.create("file:///etc/passwd")))
                .isInstanceOf(OutboundRefusedException.class);
        assertThatThrownBy(() -> DEFAULTS.check("camera.lan", 0)).isInstanceOf(OutboundRefusedException.class);
    }

    @Test
    void shouldReadNetworksFromTheEnvironmentAndNameABadVariable() {
        OutboundRules env =
                OutboundRules.fromEnvironment(
                        Map.of("LONGWATCH_ALLOW_NETWORKS", "127.0.0.1/32, 10.0.0.0/8", "LONGWATCH_DENY_NETWORKS", ""),
                        new OwnPorts());
        assertThat(env.allowNetworks()).hasSize(2);
        assertThat(env.denyNetworks()).isEmpty();
        assertThatThrownBy(() -> OutboundRules.fromEnvironment(Map.of("LONGWATCH_DENY_NETWORKS", "10.0.0.0/8,lan"), new OwnPorts()))
                .hasMessageContaining("LONGWATCH_DENY_NETWORKS")
                .hasMessageContaining("'lan'");
    }
}
