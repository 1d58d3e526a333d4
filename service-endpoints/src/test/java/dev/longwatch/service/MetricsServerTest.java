package dev.longwatch.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicReference<Optional<String>> waitingFor = new AtomicReference<>(Optional.of("the group"));
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsServer server;

    @BeforeEach
    void start() throws Exception {
        server = MetricsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, healthy::get, waitingFor::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldServeThePrometheusScrape() throws Exception {
        Counter.builder("longwatch_encoder_frames").tag("encoder", "test").register(registry).increment(3);
        HttpResponse<String> response = get("/metrics", "GET");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains(MetricsServer.PROMETHEUS_CONTENT_TYPE);
        assertThat(response.body()).contains("longwatch_encoder_frames_total{encoder=\"test\"} 3.0");
    }

    @Test
    void shouldReportHealthUntilTheWorkerStops() throws Exception {
        assertThat(get("/healthz", "GET").statusCode()).isEqualTo(200);
        healthy.set(false);
        HttpResponse<String> stopped = get("/healthz", "GET");
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body()).isEqualTo("stopped\n");
    }

    @Test
    void shouldReportReadinessOnlyWhileAliveAndNotWaiting() throws Exception {
        HttpResponse<String> waiting = get("/readyz", "GET");
        assertThat(waiting.statusCode()).isEqualTo(503);
        assertThat(waiting.body()).isEqualTo("not ready: the group\n");
        waitingFor.set(Optional.empty());
        HttpResponse<String> ready = get("/readyz", "GET");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
        healthy.set(false);
        assertThat(get("/readyz", "GET").body()).isEqualTo("not ready: stopped\n");
    }

    @Test
    void shouldAnswerOtherPathsAndMethodsWithAnError() throws Exception {
        assertThat(get("/healthzz", "GET").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/x", "GET").statusCode()).isEqualTo(404);
        HttpResponse<String> post = get("/metrics", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    private HttpResponse<String> get(String path, String method) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
