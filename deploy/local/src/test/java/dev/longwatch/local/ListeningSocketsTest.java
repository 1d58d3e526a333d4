package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {
    @Test
    void shouldReadAnIpv4AndAnIpv6ListenerOfTheTable() throws Exception {
        List<String> tcp = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1",
                "   1: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1",
                "   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 333 1");
        assertThat(ListeningSockets.parse(tcp, Set.of("111", "222", "333")))
                .containsExactly(
                        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
                        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 9000));
        List<String> tcp6 = List.of(
                "  sl  local_address                         remote_address                        st ...",
                "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1");
        assertThat(ListeningSockets.parse(tcp6, Set.of("444")))
                .containsExactly(new InetSocketAddress(InetAddress.getByName("::1"), 8080));
    }

    @Test
    void shouldSeeAListenerOfThisProcess() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningSockets.ofThisProcess()).anySatisfy(address -> {
                assertThat(address.getPort()).isEqualTo(socket.getLocalPort());
                assertThat(address.getAddress().isLoopbackAddress()).isTrue();
            });
        }
    }
}
