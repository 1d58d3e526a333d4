package dev.longwatch.query.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's reconnects against a scripted event stream on a real HTTP server: each connection
 * gets the next script and is closed after it, as a dropped connection would be.
 */
class SubscribeClientTest {
    private static final String EVENTS = "/v1/subscriptions/sub-1/events";

    private HttpServer server;
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldWaitWhatRetrySaysAndResumeAfterTheLastEventId() throws Exception {
        SubscribeClient client = serve("text/event-stream",
                ": connected\n\nretry: 2500\n\n" + answer("sub-1@1000", 1.0, "A parcel.") + "data: no blank line, dropped\n",
                ": connected\n\n" + answer("sub-1@1000", 1.0, "A parcel.") + answer("sub-1@4000", 4.0, "Another."));

        client.print("sub-1", 2);

        assertThat(pauses).containsExactly(Duration.ofMillis(2500)); // not the default second
        assertThat(lastEventIds).containsExactly("", "sub-1@1000");
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("[1.0s] cam-1: A parcel.", "[4.0s] cam-1: Another.");
    }

    @Test
    void shouldWaitTheDefaultAndSendNoLastEventIdAfterTheServerResetIt() throws Exception {
        SubscribeClient client = serve("text/event-stream",
                answer("sub-1@1000", 1.0, "First.") + "id\n\n",
                answer("sub-1@2000", 2.0, "Second."));

        client.print("sub-1", 2);

        assertThat(pauses).containsExactly(SubscribeClient.DEFAULT_RECONNECT);
        assertThat(lastEventIds).containsExactly("", "");
    }

    @Test
    void shouldRefuseAResponseThatIsNotAnEventStream() throws Exception {
        SubscribeClient client = serve("application/json", "{\"answer\":\"not a stream\"}");

        assertThatThrownBy(() -> client.print("sub-1", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("application/json")
                .hasMessageContaining("not an event stream");
        assertThat(pauses).isEmpty();
    }

    private static String answer(String id, double atSec, String text) {
        return "event: answer\nid: " + id + "\ndata: {\"id\":\"" + id + "\",\"streamId\":\"cam-1\",\"atSec\":" + atSec
                + ",\"answer\":\"" + text + "\",\"evidence\":[]}\n\n";
    }

    /** A server that answers the n-th connection with the n-th script (the last one again after). */
    private SubscribeClient serve(String contentType, String... scripts) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger connection = new AtomicInteger();
        server.createContext(EVENTS, exchange -> {
            lastEventIds.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Last-Event-ID")).orElse(""));
            String script = scripts[Math.min(connection.getAndIncrement(), scripts.length - 1)];
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(script.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new SubscribeClient(base, Optional.empty(), new PrintStream(printed, true, StandardCharsets.UTF_8), pauses::add);
    }
}
