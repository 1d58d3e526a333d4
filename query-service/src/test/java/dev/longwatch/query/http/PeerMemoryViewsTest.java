package dev.longwatch.query.http;

import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.query.ask.ModelSlots;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.testing.RunningApi;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.proto.MemorySnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standing questions read the memory of a stream another instance owns through that instance's
 * real HTTP API (with tokens configured, as a production group would be).
 */
class PeerMemoryViewsTest {
    private static final String PEER_TOKEN = "peer-secret";

    @TempDir Path ownerState;
    @TempDir Path localState;
    private TestViews owner;
    private TestViews here;
    private RunningApi ownerApi;

    @BeforeEach
    void start() {
        owner = new TestViews(ownerState);
        here = new TestViews(localState);
        ownerApi =
                new RunningApi(
                        owner.views(),
                        owner,
                        Optional.empty(),
                        Readiness::isReady,
                        ApiTokens.parse("viewer-token=cam-*;" + PEER_TOKEN + "=*"),
                        new ModelSlots(1, Duration.ofMillis(100)));
        owner.pipeSpec(spec("door", "/data/door.mp4"));
        owner.pipeMemory(memory("door", 7, List.of(slot(0, 4000, 4, 1), slot(4000, 9500, 5, 6))));
        owner.pipeFrame(frame("door", 6, 6000));
        here.pipeSpec(spec("lobby", "/data/lobby.mp4"));
        here.pipeMemory(memory("lobby", 3, List.of(slot(0, 1000, 1, 0))));
    }

    @AfterEach
    void stop() {
        ownerApi.close();
        owner.close();
        here.close();
    }

    @Test
    void shouldReadTheMemoryAndKeyframesOfAStreamTheOtherInstanceOwns() {
        MemoryViews views = peerViews(Optional.of(PEER_TOKEN));

        MemorySnapshot door = views.memory("door").orElseThrow();

        assertThat(door.getVersion()).isEqualTo(7);
        assertThat(door.getFramesSeen()).isEqualTo(owner.views().memory("door").orElseThrow().getFramesSeen());
        assertThat(door.getSlotsList())
                .extracting(s -> List.of(s.getStartMs(), s.getEndMs(), s.getFrameCount(), s.getKeyframeSeq()))
                .containsExactly(List.of(0L, 4000L, 4L, 1L), List.of(4000L, 9500L, 5L, 6L));
        assertThat(views.frameJpeg("door", 0, 6)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(jpeg("door", 6)));
        assertThat(views.frameJpeg("door", 0, 5)).isEmpty();
    }

    @Test
    void shouldAnswerAbsentWhenTheOwnerHasNoMemoryOfTheStream() {
        assertThat(peerViews(Optional.of(PEER_TOKEN)).memory("cam-9")).isEmpty();
    }

    @Test
    void shouldReadLocallyWhatThisInstanceOwns() {
        assertThat(peerViews(Optional.empty()).memory("lobby")).hasValueSatisfying(m -> assertThat(m.getVersion()).isEqualTo(3));
    }

    @Test
    void shouldSayWhichSettingIsMissingWhenTheOwnerRefusesTheRead() {
        MemoryViews views = peerViews(Optional.empty());

        assertThatThrownBy(() -> views.memory("door"))
                .isInstanceOf(ViewsUnavailableException.class)
                .hasMessageContaining("401")
                .hasMessageContaining(PeerSettings.ENV_PEER_TOKEN);
    }

    @Test
    void shouldBeUnavailableWhenTheOwnerCannotBeReached() {
        MemoryViews views = peerViews(Optional.of(PEER_TOKEN));
        ownerApi.close();

        assertThatThrownBy(() -> views.memory("door"))
                .isInstanceOf(ViewsUnavailableException.class)
                .hasMessageContaining("cannot be reached");
    }

    /** This instance owns "lobby"; every other stream is the owner API's. */
    private MemoryViews peerViews(Optional<String> token) {
        StreamOwners.Peer peer = new StreamOwners.Peer("127.0.0.1", ownerApi.port());
        StreamOwners owners =
                new StreamOwners() {
                    @Override
                    public Optional<Peer> remoteOwner(String streamId) {
                        return streamId.equals("lobby") ? Optional.empty() : Optional.of(peer);
                    }

                    @Override
                    public List<Peer> peers() {
                        return List.of(peer);
                    }
                };
        PeerSettings settings =
                new PeerSettings(Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(5), token);
        return new PeerMemoryViews(here.views(), owners, settings, "query-test");
    }
}
