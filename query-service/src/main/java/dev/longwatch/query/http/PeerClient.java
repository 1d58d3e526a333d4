package dev.longwatch.query.http;

import dev.longwatch.query.cluster.StreamOwners.Peer;
import dev.longwatch.query.config.PeerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;

/**
 * Calls another query-service instance's HTTP API, with a connect timeout and a timeout for the
 * whole answer. Any failure to get an answer (refused, reset, timed out) is one {@link
 * PeerUnavailableException}: the caller answers 503, the client retries.
 */
final class PeerClient {
    /** What a peer answered. */
    record Reply(int status, Map<String, String> headers, byte[] body) {}

    private final HttpClient http;
    private final PeerSettings settings;

    PeerClient(PeerSettings settings) {
        this.settings = settings;
        // HTTP/1.1: the peers are Javalin (Jetty) without h2c; no upgrade round trip.
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(settings.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
    }

    /**
     * @param pathAndQuery e.g. {@code /v1/streams/lobby/memory?from=0}
     * @param body the request body; empty for none
     * @param headers request headers to send (names as HTTP wants them)
     */
    Reply send(Peer peer, String method, String pathAndQuery, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(peer.baseUrl() + pathAndQuery))
                        .timeout(settings.forwardTimeout())
                        .method(
                                method,
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (String name : new String[] {"Content-Type", "Cache-Control", "Retry-After", "WWW-Authenticate", "Location"}) {
                response.headers().firstValue(name).ifPresent(v -> out.put(name, v));
            }
            return new Reply(response.statusCode(), out, response.body());
        } catch (HttpTimeoutException e) {
            throw new PeerUnavailableException(
                    "instance " + peer + " did not answer within " + settings.forwardTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new PeerUnavailableException("instance " + peer + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnavailableException("interrupted while waiting for instance " + peer, e);
        }
    }
}
