package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A small image that decodes to 81 million pixels (9000 x 9000, a few hundred KB of PNG): refused
 * by its declared size before it is decoded, with the limit named.
 */
@ExtendWith(AttackStack.class)
class PixelBombAttackITCase {
    @Test
    void shouldRefuseAPictureAboveThePixelLimit() throws Exception {
        assumeTrue(AttackStack.ffmpeg(AttackStack.media(), "-f", "lavfi", "-i", "color=black:size=9000x9000",
                "-frames:v", "1", "bomb.png"), "Debian's ffmpeg missing: apt-get install ffmpeg");
        AttackStack.register("bomb", AttackStack.media().resolve("bomb.png").toString());

        JsonNode stream = AttackStack.awaitState("bomb", Set.of("COMPLETED", "FAILED"));

        assertThat(stream.path("state").asText()).isEqualTo("FAILED");
        assertThat(stream.path("error").asText()).contains("larger than the limit of 33177600 pixels");
        assertThat(stream.path("framesProduced").asLong()).isZero();
    }
}
