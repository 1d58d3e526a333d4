package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of the query service's HTTP API, for the CLI commands. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    /** The bearer token for a stack with tenants (LONGWATCH_API_TOKEN); none for the open default. */
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(URI base) {
        this(base, System.getenv("LONGWATCH_API_TOKEN"));
    }

    /** A client sending {@code token} (none when null). */
    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** A reply: the status and the raw body, kept so that {@code --json} prints it unchanged. */
    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("the server answered " + status + " with no JSON: " + body, e);
            }
        }

        Reply requireSuccess(String what) {
            if (status >= 300) {
                JsonNode error = json().path("error");
                throw new ApiException(
                        what + " failed: HTTP " + status + " " + error.path("code").asText() + ": "
                                + error.path("message").asText(body));
            }
            return this;
        }
    }

    static final class ApiException extends RuntimeException {
        ApiException(String message) {
            super(message);
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Reply post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response =
                http.send(request.timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
