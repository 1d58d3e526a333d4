package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.config.LlmSettings;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.testing.ApiClient;
import dev.longwatch.query.testing.ApiClient.Reply;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two API instances over separate views, with owners the test decides: a stream's requests to the
 * instance that does not hold it come back with the owner's answers. The Kafka-backed version is
 * {@code TwoInstancesITCase}.
 */
class OwnerRoutingTest {
    private static final String TOKEN = "token-for-cams";
    private static final String OTHER_TENANT = "token-for-lobby";

    @TempDir Path dirA;
    @TempDir Path dirB;
    private TestViews viewsA;
    private TestViews viewsB;
    private final FakeOwners ownersA = new FakeOwners();
    private final FakeOwners ownersB = new FakeOwners();
    private RunningApi apiA;
    private RunningApi apiB;

    @BeforeEach
    void start() {
        viewsA = new TestViews(dirA);
        viewsB = new TestViews(dirB);
        ApiTokens tokens = ApiTokens.parse(TOKEN + "=cam-*;" + OTHER_TENANT + "=lobby");
        PeerSettings peers = PeerSettings.defaults(LlmSettings.none()).withForwardTimeout(Duration.ofSeconds(5));
        apiA = api(viewsA, tokens, new HttpApi.Cluster(ownersA, peers, "a"));
        apiB = api(viewsB, tokens, new HttpApi.Cluster(ownersB, peers, "b"));
        // Specs are global (every instance has them); memory and frames only on the owner.
        for (TestViews views : List.of(viewsA, viewsB)) {
            views.pipeSpec(spec("cam-b", "/b.mp4"));
            views.pipeSpec(spec("cam-a", "/a.mp4"));
        }
        viewsB.pipeMemory(memory("cam-b", 4, List.of(slot(0, 5000, 5, 2), slot(5000, 9000, 4, 7))));
        viewsB.pipeFrame(frame("cam-b", 2, 2000));
        viewsA.pipeMemory(memory("cam-a", 1, List.of(slot(0, 1000, 1, 0))));
        ownersA.set("cam-b", new StreamOwners.Peer("127.0.0.1", apiB.port()));
        ownersB.set("cam-a", new StreamOwners.Peer("127.0.0.1", apiA.port()));
    }

    @AfterEach
    void stop() {
        apiA.close();
        apiB.close();
        viewsA.close();
        viewsB.close();
    }

    @Test
    void shouldAnswerEveryStreamRequestWithTheOwnersAnswer() {
        ApiClient a = apiA.client().withToken(TOKEN);
        ApiClient b = apiB.client().withToken(TOKEN);

        // When instance A is asked about a stream B owns, the answers are B's own
        for (String path : List.of("/v1/streams/cam-b", "/v1/streams/cam-b/memory?from=0&to=6", "/v1/frames/cam-b/0/2.jpg")) {
            Reply viaA = a.get(path);
            Reply atB = b.get(path);
            assertThat(viaA.status()).as(path).isEqualTo(200);
            assertThat(viaA.body()).as(path).isEqualTo(atB.body());
            assertThat(viaA.contentType()).as(path).isEqualTo(atB.contentType());
        }
        assertThat(a.get("/v1/frames/cam-b/0/2.jpg").body()).isEqualTo(jpeg("cam-b", 2));
        String question = ApiClient.json(Map.of("question", "What happens?"));
        Reply asked = a.post("/v1/streams/cam-b/ask", question);
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.json().path("memoryVersion").asLong()).isEqualTo(4);
        assertThat(asked.text()).isEqualTo(b.post("/v1/streams/cam-b/ask", question).text());
        // The owner's 404 comes back as it is
        assertThat(a.get("/v1/frames/cam-b/0/99.jpg").status()).isEqualTo(404);

        // And the stream list gathers both instances' streams, each with its memory
        Reply list = a.get("/v1/streams");
        assertThat(list.json().path("streams").findValuesAsText("id")).containsExactly("cam-a", "cam-b");
        assertThat(list.json().path("streams").get(1).path("memoryVersion").asLong()).isEqualTo(4);
        assertThat(list.text()).isEqualTo(b.get("/v1/streams").text());
        assertThat(forwarded(apiA)).isEqualTo(7.0);
        assertThat(forwarded(apiB)).isEqualTo(1.0); // its own list gathered A's stream
    }

    @Test
    void shouldCheckTheTokenBeforeForwardingAndPassItOn() {
        // Another tenant's token is refused where it arrives
        assertThat(apiA.client().withToken(OTHER_TENANT).get("/v1/streams/cam-b/memory").status()).isEqualTo(403);
        // No token: 401 before any forward
        assertThat(apiA.client().get("/v1/streams/cam-b/memory").status()).isEqualTo(401);
        assertThat(forwarded(apiA)).isZero();
        // The token travels with the forward: B checks it again
        assertThat(apiA.client().withToken(TOKEN).get("/v1/streams/cam-b/memory").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseToForwardAgainWhenOwnershipMovedMeanwhile() {
        // Given each instance believes the other owns cam-b (a rebalance in flight)
        ownersB.set("cam-b", new StreamOwners.Peer("127.0.0.1", apiA.port()));

        // Then the request hops once and the second instance answers 503 instead of hopping back
        Reply reply = apiA.client().withToken(TOKEN).get("/v1/streams/cam-b/memory");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.errorCode()).isEqualTo("not_owner");
    }

    @Test
    void shouldAnswer503WhenTheOwnerCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ownersA.set("cam-b", new StreamOwners.Peer("127.0.0.1", closedPort));

        Reply reply = apiA.client().withToken(TOKEN).get("/v1/streams/cam-b/memory");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.errorCode()).isEqualTo("owner_unavailable");
        assertThat(reply.json().path("error").path("message").asText()).contains(Integer.toString(closedPort));
    }

    private RunningApi api(TestViews views, ApiTokens tokens, HttpApi.Cluster cluster) {
        return new RunningApi(
                views.views(), views, Optional.empty(), Readiness::isReady, tokens,
                new ModelSlots(4, Duration.ofSeconds(1)), cluster);
    }

    private static double forwarded(RunningApi api) {
        String metrics = api.client().get("/metrics").text();
        return metrics.lines()
                .filter(line -> line.startsWith("longwatch_query_forwarded_requests_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Owners as the test sets them; unset streams are local. */
    private static final class FakeOwners implements StreamOwners {
        private final Map<String, Peer> remote = new ConcurrentHashMap<>();

        void set(String streamId, Peer peer) {
            remote.put(streamId, peer);
        }

        @Override
        public Optional<Peer> remoteOwner(String streamId) {
            return Optional.ofNullable(remote.get(streamId));
        }

        @Override
        public List<Peer> peers() {
            return remote.values().stream().distinct().toList();
        }
    }
}
