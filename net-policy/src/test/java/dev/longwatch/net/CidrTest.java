package dev.longwatch.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void shouldMatchAddressesInsideTheNetworkOnly() throws Exception {
        Cidr lan = Cidr.parse("192.168.1.0/24");
        assertThat(lan.contains(InetAddress.getByName("192.168.1.77"))).isTrue();
        assertThat(lan.contains(InetAddress.getByName("192.168.2.1"))).isFalse();
        assertThat(lan.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
    }

    @Test
    void shouldReadABareAddressAsOneHost() throws Exception {
        Cidr one = Cidr.parse(" 127.0.0.2 ");
        assertThat(one.prefix()).isEqualTo(32);
        assertThat(one.contains(InetAddress.getByName("127.0.0.2"))).isTrue();
        assertThat(one.contains(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(Cidr.parse("::1").prefix()).isEqualTo(128);
    }

    @Test
    void shouldClearHostBitsAndPrintTheNetwork() {
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8").isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4})).isTrue();
    }

    @Test
    void shouldRefuseHostNamesAndMalformedNetworksWithoutLookingThemUp() {
        for (String bad : new String[] {"localhost", "example.com/24", "10.0.0/8", "10.0.0.256", "10.0.0.0/33",
                "10.0.0.0/", "::1/129", "1.2.3.4/-1", "", "0x7f000001", "127.1"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
