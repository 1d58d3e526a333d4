package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.longwatch.net.OutboundRules;
import dev.longwatch.net.OwnPorts;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An allowed server (the lab address 127.0.0.2, allowed with --allow-network 127.0.0.2/32) that
 * redirects to the stack's own endpoints on 127.0.0.1. FFmpeg follows redirects by itself; it
 * does so through the egress proxy, which checks the new target like the first.
 */
@ExtendWith(AttackStack.class)
class HttpRedirectToLoopbackAttackITCase {
    @Test
    void shouldRefuseARedirectFromAnAllowedServerToLoopback() throws Exception {
        String metrics = "http://127.0.0.1:" + AttackStack.metricsPort() + "/metrics?.txt";
        HttpServer server = AttackStack.testServer(Map.of(
                "/moved.txt", ex -> AttackStack.reply(ex, 302, new byte[0], Map.of("Location", metrics))));
        try {
            AttackStack.register("redirect", AttackStack.testServerUrl(server, "/moved.txt"));
            JsonNode stream = AttackStack.awaitState("redirect", Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).isEqualTo("FAILED");
            assertThat(stream.path("error").asText()).isEqualTo("source refused by the outbound network rules");
            assertThat(stream.path("framesProduced").asLong()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldNotReachTheTestServerWithoutTheExplicitAllow() {
        // The lab address is loopback: only the stack's --allow-network lets streams reach it.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OutboundRules.defaults(new OwnPorts()).check(AttackStack.TEST_SERVER_ADDRESS, 80))
                .isInstanceOf(dev.longwatch.net.OutboundRefusedException.class);
    }
}
