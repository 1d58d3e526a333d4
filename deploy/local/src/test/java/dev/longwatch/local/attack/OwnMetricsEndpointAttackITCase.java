package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stack's own metrics endpoint on loopback, dressed as a text "video" ({@code ?.txt}): the
 * service used to fetch it, serve it back as frames and then "reconnect" to it forever. Now the
 * outbound rules refuse it before a connection is made, and the caller is told nothing more.
 */
@ExtendWith(AttackStack.class)
class OwnMetricsEndpointAttackITCase {
    @Test
    void shouldRefuseTheServicesOwnLoopbackEndpoints() throws Exception {
        AttackStack.register("own-metrics", "http://127.0.0.1:" + AttackStack.metricsPort() + "/metrics?.txt");
        AttackStack.register("own-api", "http://127.0.0.1:" + AttackStack.apiPort() + "/v1/streams?.txt");

        for (String id : new String[] {"own-metrics", "own-api"}) {
            JsonNode stream = AttackStack.awaitState(id, Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).as(id).isEqualTo("FAILED");
            assertThat(stream.path("error").asText()).as(id).isEqualTo("source refused by the outbound network rules");
            assertThat(stream.path("framesProduced").asLong()).as(id).isZero();
        }
    }
}
