package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Probing the network through the API: a closed port, a web page, a 401 and a 404 on an allowed
 * host all read "source unreachable". The {@code error} field used to carry FFmpeg's words
 * ("Connection refused", "Server returned 401 Unauthorized", "Invalid data..."), which told a
 * caller which internal hosts and ports answer and what they are.
 */
@ExtendWith(AttackStack.class)
class NetworkErrorsTellNothingAttackITCase {
    @Test
    void shouldGiveTheSameGenericErrorWhateverAnswered() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(AttackStack.TEST_SERVER_ADDRESS))) {
            closed = s.getLocalPort();
        }
        HttpServer server = AttackStack.testServer(Map.of(
                "/wiki.html", ex -> AttackStack.reply(ex, 200, "<html>internal wiki</html>".repeat(200)
                        .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/html")),
                "/admin.mp4", ex -> AttackStack.reply(ex, 401, new byte[0], Map.of("WWW-Authenticate", "Basic realm=x")),
                "/none.mp4", ex -> AttackStack.reply(ex, 404, new byte[0], Map.of())));
        try {
            String[][] cases = {
                {"probe-closed", "http://" + AttackStack.TEST_SERVER_ADDRESS + ":" + closed + "/a.mp4"},
                {"probe-html", AttackStack.testServerUrl(server, "/wiki.html")},
                {"probe-401", AttackStack.testServerUrl(server, "/admin.mp4")},
                {"probe-404", AttackStack.testServerUrl(server, "/none.mp4")},
            };
            for (String[] c : cases) {
                AttackStack.register(c[0], c[1]);
            }
            for (String[] c : cases) {
                JsonNode stream = AttackStack.awaitState(c[0], Set.of("COMPLETED", "FAILED"));
                assertThat(stream.path("state").asText()).as(c[1]).isEqualTo("FAILED");
                assertThat(stream.path("error").asText()).as(c[1]).isEqualTo("source unreachable");
            }
        } finally {
            server.stop(0);
        }
    }
}
