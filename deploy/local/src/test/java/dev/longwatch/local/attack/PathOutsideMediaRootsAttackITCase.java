package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Paths outside the media roots, existing or not, and a symlink inside the roots that leads out:
 * all FAILED with the same words, so the answer does not tell what exists on the machine. Before,
 * any readable file was opened, and a missing one said "no such file".
 */
@ExtendWith(AttackStack.class)
class PathOutsideMediaRootsAttackITCase {
    @Test
    void shouldRefuseEveryPathOutsideTheRootsAlikeWhetherItExistsOrNot() throws Exception {
        Path secret = Files.writeString(AttackStack.outside().resolve("secret.mp4"), "not for you");
        Path missing = AttackStack.outside().resolve("missing.mp4");
        Path link = Files.createSymbolicLink(AttackStack.media().resolve("innocent.mp4"), secret);

        AttackStack.register("outside-existing", secret.toString());
        AttackStack.register("outside-missing", missing.toString());
        AttackStack.register("outside-etc", "/etc/passwd");
        AttackStack.register("outside-link", link.toString());

        String existing = error("outside-existing").replace(secret.toString(), "PATH");
        String absent = error("outside-missing").replace(missing.toString(), "PATH");
        String etc = error("outside-etc").replace("/etc/passwd", "PATH");
        String viaLink = error("outside-link").replace(link.toString(), "PATH");
        assertThat(existing).isEqualTo("file PATH is not under the configured media roots");
        assertThat(absent).isEqualTo(existing);
        assertThat(etc).isEqualTo(existing);
        assertThat(viaLink).isEqualTo(existing);
    }

    private static String error(String id) throws Exception {
        JsonNode stream = AttackStack.awaitState(id, Set.of("COMPLETED", "FAILED"));
        assertThat(stream.path("state").asText()).as(id).isEqualTo("FAILED");
        assertThat(stream.path("framesProduced").asLong()).as(id).isZero();
        return stream.path("error").asText();
    }
}
