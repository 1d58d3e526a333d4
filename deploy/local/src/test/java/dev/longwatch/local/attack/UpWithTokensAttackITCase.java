package dev.longwatch.local.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.local.LongwatchCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack: an operator sets {@code LONGWATCH_API_TOKENS} and runs {@code ./longwatch up}, believing
 * the API closed; {@code up} built the query service with its defaults, so the API was open to
 * anyone who could reach it. Here {@code up} runs as a user runs it, in a JVM of its own with that
 * variable set: without a token the API now answers 401, with one 200.
 */
class UpWithTokensAttackITCase {
    private static final String TOKEN = "operator-secret-1";

    @Test
    void shouldCloseTheApiOfUpWhenTokensAreConfigured(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LongwatchCli.class.getName(),
                "up", "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(port),
                "--metrics-port", "0", "--slots", "5"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LONGWATCH_API_TOKENS", TOKEN + "=*");
        builder.environment().remove("LONGWATCH_LLM_URL");
        Process up = builder.start();
        try {
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        System.err.println("[up] " + line);
                        if (line.startsWith("longwatch: up at")) {
                            return true;
                        }
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(ready.get(3, TimeUnit.MINUTES)).as("up started").isTrue();
            HttpClient http = HttpClient.newHttpClient();
            URI streams = URI.create("http://127.0.0.1:" + port + "/v1/streams");

            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(streams).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> operator = http.send(
                    HttpRequest.newBuilder(streams).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"unauthorized\"");
            assertThat(operator.statusCode()).isEqualTo(200);
        } finally {
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
    }
}
