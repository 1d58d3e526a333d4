package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A text file inside the media roots as a stream: FFmpeg's {@code tty} demuxer used to render it
 * as video (the stream COMPLETED and its keyframes showed the text). Now the demuxer whitelist
 * refuses it: FAILED, a clear reason, no frame.
 */
@ExtendWith(AttackStack.class)
class TextFileAsSourceAttackITCase {
    @Test
    void shouldFailATextFileClearlyAndProduceNoFrame() throws Exception {
        Path notes = Files.writeString(AttackStack.media().resolve("notes.txt"),
                "root password: hunter2\nmeeting at noon\n".repeat(60));
        assertThat(AttackStack.register("notes", notes.toString())).isEqualTo(201);

        JsonNode stream = AttackStack.awaitState("notes", Set.of("COMPLETED", "FAILED"));

        assertThat(stream.path("state").asText()).isEqualTo("FAILED");
        assertThat(stream.path("error").asText()).contains("is not a video file");
        assertThat(stream.path("framesProduced").asLong()).isZero();
        assertThat(AttackStack.get("/v1/frames/notes/0.jpg").statusCode()).isEqualTo(404);
    }
}
