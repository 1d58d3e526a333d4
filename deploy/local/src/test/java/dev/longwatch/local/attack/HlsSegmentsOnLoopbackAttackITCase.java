package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An HLS playlist on an allowed server whose segments are the stack's own endpoints on loopback:
 * the HLS demuxer opens every segment through the egress proxy, which refuses them.
 */
@ExtendWith(AttackStack.class)
class HlsSegmentsOnLoopbackAttackITCase {
    @Test
    void shouldRefuseSegmentsThatPointAtLoopback() throws Exception {
        String playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                + "#EXTINF:2.0,\nhttp://127.0.0.1:" + AttackStack.metricsPort() + "/metrics?x.ts\n"
                + "#EXTINF:2.0,\nhttp://127.0.0.1:" + AttackStack.apiPort() + "/v1/streams?x.ts\n#EXT-X-ENDLIST\n";
        HttpServer server = AttackStack.testServer(Map.of(
                "/live.m3u8", ex -> AttackStack.reply(ex, 200, playlist.getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Type", "application/vnd.apple.mpegurl"))));
        try {
            AttackStack.register("hls-loopback", AttackStack.testServerUrl(server, "/live.m3u8"));
            JsonNode stream = AttackStack.awaitState("hls-loopback", Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).isEqualTo("FAILED");
            assertThat(stream.path("error").asText()).isEqualTo("source refused by the outbound network rules");
            assertThat(stream.path("framesProduced").asLong()).isZero();
        } finally {
            server.stop(0);
        }
    }
}
