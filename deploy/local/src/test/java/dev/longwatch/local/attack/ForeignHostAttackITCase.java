package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;


import dev.longwatch.query.testing.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack: DNS rebinding. The attacker's page at {@code attacker.example} makes its own name resolve
 * to 127.0.0.1; the browser then treats the open API on loopback as same-origin and reads the
 * streams, their memory and keyframes. Every such request carries {@code Host: attacker.example}.
 * Was 200; now 403 on every path, the page and metrics included.
 */
@ExtendWith(AttackStack.class)
class ForeignHostAttackITCase {

    @Test
    void shouldRefuseARequestForAnotherHostName() {
        int port = AttackStack.apiPort();
        for (String path : List.of("/v1/streams", "/", "/metrics")) {
            RawHttp.Answer answer = RawHttp.send(port, RawHttp.request("GET", path, "attacker.example:" + port, "", null));

            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("host_not_allowed");
        }
        RawHttp.Answer own = RawHttp.send(port, RawHttp.request("GET", "/v1/streams", "localhost:" + port, "", null));
        assertThat(own.status()).isEqualTo(200);
    }
}
