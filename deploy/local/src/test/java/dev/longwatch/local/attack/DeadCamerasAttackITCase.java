package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 32 cameras that accept a connection and never answer (they time out rather than refuse), then
 * one file: the file completes. Before, eight such cameras held every ingest worker and every
 * file registered after them stayed PENDING.
 */
@ExtendWith(AttackStack.class)
class DeadCamerasAttackITCase {
    static final Path CLIP = Path.of(System.getProperty("longwatch.shared", "../../../shared"),
            "data/video/videollama-boat.mp4").toAbsolutePath().normalize();

    @Test
    void shouldCompleteAFileWhile32CamerasAreDead() throws Exception {
        assumeTrue(Files.isReadable(CLIP), "shared clip missing: " + CLIP);
        List<Socket> swallowed = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 256, InetAddress.getByName(AttackStack.TEST_SERVER_ADDRESS))) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        swallowed.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-cameras");
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 32; i++) {
                AttackStack.register("dead-cam-" + i, "rtsp://" + AttackStack.TEST_SERVER_ADDRESS + ":" + silent.getLocalPort() + "/cam" + i);
            }
            Path file = Files.copy(CLIP, AttackStack.media().resolve("boat.mp4"));
            assertThat(AttackStack.register("after-dead-cams", file.toString())).isEqualTo(201);

            JsonNode stream = AttackStack.awaitState("after-dead-cams", Set.of("COMPLETED", "FAILED"));
            assertThat(stream.path("state").asText()).isEqualTo("COMPLETED");
            assertThat(stream.path("framesProduced").asLong()).isEqualTo(7);
            assertThat(swallowed).isNotEmpty();
            System.out.printf("DeadCamerasAttackITCase: the file completed with 32 dead cameras (%d silent connections)%n",
                    swallowed.size());
        } finally {
            for (Socket s : swallowed) {
                s.close();
            }
            for (int i = 0; i < 32; i++) {
                deleteQuietly("dead-cam-" + i);
            }
        }
    }

    private static void deleteQuietly(String id) {
        try {
            java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(AttackStack.stack().httpBase().resolve("/v1/streams/" + id)).DELETE().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // the stack goes away with the run anyway
        }
    }
}
