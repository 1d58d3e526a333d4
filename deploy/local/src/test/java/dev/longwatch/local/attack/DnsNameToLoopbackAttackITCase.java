package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host name that resolves to loopback: the rule looks at every address the name resolves to,
 * and the connection goes to the checked address, so no spelling of the name gets through.
 */
@ExtendWith(AttackStack.class)
class DnsNameToLoopbackAttackITCase {
    @Test
    void shouldRefuseNamesThatResolveToLoopback() throws Exception {
        String[][] cases = {
            {"dns-localhost", "http://localhost:" + AttackStack.metricsPort() + "/metrics?.txt"},
            {"dns-localhost-dot", "http://localhost.:" + AttackStack.apiPort() + "/v1/streams?.txt"},
            {"dns-localhost-rtsp", "rtsp://localhost:" + AttackStack.apiPort() + "/stream"},
            {"dns-decimal", "http://2130706433:" + AttackStack.metricsPort() + "/metrics?.txt"},
        };
        for (String[] c : cases) {
            AttackStack.register(c[0], c[1]);
        }
        for (String[] c : cases) {
            JsonNode stream = AttackStack.awaitState(c[0], Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).as(c[1]).isEqualTo("FAILED");
            // A decimal host is loopback to FFmpeg's resolver; the JDK's may not read it as an
            // address at all. Either way the connection is made by the rule's owner, never to it.
            assertThat(stream.path("error").asText()).as(c[1])
                    .isIn("source refused by the outbound network rules", c[0].equals("dns-decimal") ? "source unreachable" : "-");
            assertThat(stream.path("framesProduced").asLong()).as(c[1]).isZero();
        }
    }
}
