package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attack: a deleted stream's footage is still served. After {@code DELETE /v1/streams/{id}} its
 * keyframes were served (200, with {@code Cache-Control: immutable}, so browsers kept them for a
 * year) and its subscriptions lived on. Now the stream, its memory, its keyframes and its
 * subscriptions are 404 within seconds, and no keyframe answer promises to outlive the stream.
 */
@ExtendWith(AttackStack.class)
class DeletedStreamAttackITCase {

    @Test
    void shouldForgetEverythingOfADeletedStreamWithinSeconds() throws Exception {
        // Given a file in memory, a keyframe of it, and a standing question on it
        AttackStack.ingestClip("gone");
        JsonNode memory = AttackStack.json(AttackStack.get("/v1/streams/gone/memory"));
        String keyframe = memory.path("slots").get(0).path("keyframeUrl").asText();
        HttpResponse<String> before = AttackStack.get(keyframe);
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("Cache-Control").orElse("")).doesNotContain("immutable");
        String subscription =
                AttackStack.json(AttackStack.post("/v1/subscriptions", Map.of("streamId", "gone", "question", "A dog?")))
                        .path("id").asText();

        // When the stream is deleted
        assertThat(AttackStack.delete("/v1/streams/gone").statusCode()).isEqualTo(204);

        // Then within seconds nothing of it is served
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (String path : new String[] {"/v1/streams/gone", "/v1/streams/gone/memory", keyframe, "/v1/subscriptions/" + subscription}) {
            HttpResponse<String> after = AttackStack.get(path);
            while (after.statusCode() != 404 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                after = AttackStack.get(path);
            }
            assertThat(after.statusCode()).as(path).isEqualTo(404);
        }
        // And nothing rebuilds it once the memory job has taken in the deletion (a checkpoint later)
        Thread.sleep(3_000);
        assertThat(AttackStack.get(keyframe).statusCode()).isEqualTo(404);
        assertThat(AttackStack.get("/v1/streams/gone/memory").statusCode()).isEqualTo(404);
    }
}
