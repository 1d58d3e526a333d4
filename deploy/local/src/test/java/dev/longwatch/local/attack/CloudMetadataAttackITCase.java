package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cloud metadata service (link-local 169.254.169.254, and its IPv6 and NAT64 spellings): refused
 * by the outbound rules before any packet is sent (the rule is checked on the resolved address,
 * then the connection goes to that address only), so this test sends nothing off this machine.
 */
@ExtendWith(AttackStack.class)
class CloudMetadataAttackITCase {
    @Test
    void shouldRefuseTheMetadataServiceInEverySpelling() throws Exception {
        String[][] cases = {
            {"metadata-v4", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
            {"metadata-mapped", "http://[::ffff:169.254.169.254]/latest/meta-data/"},
            {"metadata-nat64", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/"},
            {"metadata-rtsp", "rtsp://169.254.169.254:554/stream"},
        };
        for (String[] c : cases) {
            AttackStack.register(c[0], c[1]);
        }
        for (String[] c : cases) {
            JsonNode stream = AttackStack.awaitState(c[0], Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).as(c[1]).isEqualTo("FAILED");
            assertThat(stream.path("error").asText()).as(c[1]).isEqualTo("source refused by the outbound network rules");
        }
    }
}
