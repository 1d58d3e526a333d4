package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.config.LlmSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-JVM stack opens no port beyond this machine: broker, controller, Flink (RPC, blob, REST,
 * metrics), ingest and encoder meters and the query API all listen on loopback. None of them asks
 * for authentication; loopback is what keeps them private (README, Security).
 */
class LoopbackOnlyITCase {
    @Test
    void shouldListenOnLoopbackOnly(@TempDir Path dataDir) throws Exception {
        LocalStackSettings settings = LocalStackSettings.defaults(dataDir).withHttpPort(0).withLlm(LlmSettings.none());
        try (LocalStack stack = LocalStack.start(settings)) {
            List<InetSocketAddress> listening = ListeningSockets.ofThisProcess();

            assertThat(listening)
                    .extracting(InetSocketAddress::getPort)
                    .as("the stack's own ports are among those seen, so the check below is not vacuous")
                    .contains(
                            port(stack.bootstrapServers()),
                            stack.httpBase().getPort(),
                            URI.create(stack.metricsBase()).getPort(),
                            URI.create(stack.flinkMetricsBase()).getPort());
            assertThat(listening)
                    .allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress())
                            .as("%s listens beyond loopback", address)
                            .isTrue());
        }
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }
}
