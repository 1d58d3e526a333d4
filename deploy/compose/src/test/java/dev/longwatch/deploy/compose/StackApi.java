package dev.longwatch.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The query service's HTTP API as a client sees it, with a bearer token. */
final class StackApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    StackApi(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    boolean ready() {
        return send("GET", "/readyz", null).map(r -> r.statusCode() == 200).orElse(false);
    }

    JsonNode post(String path, String body) {
        HttpResponse<String> response = send("POST", path, body)
                .orElseThrow(() -> new IllegalStateException("POST " + path + ": no answer"));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return parse(response.body());
    }

    /** The body of a 200, or empty while the service cannot answer (restarting, not ready). */
    Optional<JsonNode> get(String path) {
        return send("GET", path, null).filter(r -> r.statusCode() == 200).map(r -> parse(r.body()));
    }

    private Optional<HttpResponse<String>> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return Optional.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }
}
