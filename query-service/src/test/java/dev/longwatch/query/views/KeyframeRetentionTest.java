package dev.longwatch.query.views;

import static dev.longwatch.query.testing.Fixtures.chapter;
import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.config.KeyframeRetention;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.Topic;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.StreamSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.LongStream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyframe store keeps what slots point to and drops the rest once its grace is over. */
class KeyframeRetentionTest {
    private static final Duration GRACE = Duration.ofMinutes(1);
    private static final Duration SWEEP = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Frame> frames;
    private TestInputTopic<String, MemorySnapshot> memory;
    private TestInputTopic<String, Chapter> chapters;
    private TestInputTopic<String, StreamSpec> specs;
    private MemoryViews views;

    @BeforeEach
    void start() {
        Properties config =
                ViewsTopology.streamsConfig(QueryServiceSettings.defaults("test:9092").withStateDir(stateDir));
        driver = new TopologyTestDriver(ViewsTopology.build(config, new KeyframeRetention(GRACE, SWEEP)), config, T0);
        frames = input(Topics.FRAMES);
        memory = input(Topics.MEMORY);
        chapters = input(Topics.CHAPTERS);
        specs = input(Topics.STREAMS);
        views = new KafkaStreamsMemoryViews(driver::getKeyValueStore);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldDropOldUnreferencedKeyframesAndKeepEverySlotsKeyframe() {
        // Given frames 0..9 of a stream, a snapshot that folded in frames up to 7 and points at 2
        // and 6, and a sealed chapter that points at 1
        specs.pipeInput("cam", spec("cam", "/cam.mp4"), T0);
        LongStream.range(0, 10).forEach(seq -> pipeFrame("cam", seq, T0.plusSeconds(seq)));
        memory.pipeInput(
                "cam",
                memory("cam", 3, List.of(slot(4000, 5000, 3, 2), slot(5000, 8000, 4, 6))).toBuilder().setLastSeq(7).build(),
                T0.plusSeconds(9));
        chapters.pipeInput(
                StreamIds.chapterKey("cam", 0), chapter("cam", 0, 0, 4000, List.of(slot(0, 4000, 4, 1))), T0.plusSeconds(9));

        // When a sweep runs inside the grace, nothing goes
        driver.advanceWallClockTime(SWEEP);
        assertThat(stored("cam", 10)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

        // When stream time passes the grace and the next sweep runs
        pipeFrame("cam", 10, T0.plusSeconds(9).plus(GRACE).plusSeconds(1));
        driver.advanceWallClockTime(SWEEP);

        // Then frames the memory folded in and no slot points to are gone; keyframes of the
        // current slots and of the chapter stay, and so do frames the memory has not seen yet
        assertThat(stored("cam", 11)).containsExactly(1L, 2L, 6L, 8L, 9L, 10L);
        assertThat(views.frameJpeg("cam", 0, 3)).isEmpty();
        assertThat(views.frameJpeg("cam", 0, 1)).isPresent();
    }

    @Test
    void shouldKeepFramesOfRegisteredStreamWithoutMemoryAndDropThoseOfDeletedStream() {
        // Given two streams with old frames and no memory: one still registered, one deleted
        specs.pipeInput("waiting", spec("waiting", "/w.mp4"), T0);
        pipeFrame("waiting", 0, T0);
        pipeFrame("deleted", 0, T0);
        pipeFrame("deleted", 1, T0.plusSeconds(1));

        // When stream time passes the grace and sweeps run
        pipeFrame("waiting", 1, T0.plus(GRACE).plusSeconds(5));
        driver.advanceWallClockTime(SWEEP);
        driver.advanceWallClockTime(SWEEP);

        // Then the registered stream keeps everything (its memory has not caught up yet), the
        // deleted one loses its frames
        assertThat(stored("waiting", 2)).containsExactly(0L, 1L);
        assertThat(stored("deleted", 2)).isEmpty();
    }

    @Test
    void shouldDropADeletedStreamsFramesWithoutWaitingForTheGrace() {
        // Given a stream with frames, deleted within the grace
        specs.pipeInput("gone", spec("gone", "/g.mp4"), T0);
        pipeFrame("gone", 0, T0);
        pipeFrame("gone", 1, T0.plusSeconds(1));
        specs.pipeInput("gone", null, T0.plusSeconds(2));

        // Then they are not shown at once, and the sweeps once they are a sweep interval old delete them
        assertThat(views.frameJpeg("gone", 0, 0)).isEmpty();
        driver.advanceWallClockTime(SWEEP.multipliedBy(2));
        assertThat(stored("gone", 2)).isEmpty();
    }

    @Test
    void shouldKeepAStreamCreatedAgainApartFromItsDeletedPredecessor() {
        // Given incarnation 1 of a stream with frames 0..3, deleted, and incarnation 2 created
        long first = T0.toEpochMilli();
        long second = first + 60_000;
        specs.pipeInput("cam", spec("cam", "/a.mp4").toBuilder().setCreatedMs(first).build(), T0);
        LongStream.range(0, 4).forEach(seq -> frames.pipeInput("cam", frame("cam", seq, seq * 1000).toBuilder().setIncarnation(first).build(), T0));
        specs.pipeInput("cam", spec("cam", "/b.mp4").toBuilder().setCreatedMs(second).build(), T0.plusSeconds(5));

        // When the new stream's frames 0..1 arrive, and a late frame of the old one
        LongStream.range(0, 2).forEach(seq -> frames.pipeInput("cam", frame("cam", seq, seq * 1000).toBuilder().setIncarnation(second).build(), T0.plusSeconds(6)));
        frames.pipeInput("cam", frame("cam", 4, 4000).toBuilder().setIncarnation(first).build(), T0.plusSeconds(6));
        driver.advanceWallClockTime(SWEEP);

        // Then only the new stream's frames are stored and shown, under their own keys
        assertThat(views.frameJpeg("cam", second, 0)).isPresent();
        assertThat(views.frameJpeg("cam", first, 0)).isEmpty();
        assertThat(rawKeys()).containsExactly(
                dev.longwatch.query.views.FrameKeys.key("cam", second, 0), dev.longwatch.query.views.FrameKeys.key("cam", second, 1));
    }

    private List<String> rawKeys() {
        List<String> keys = new java.util.ArrayList<>();
        try (var it = driver.<String, Object>getKeyValueStore(ViewsTopology.KEYFRAMES_STORE).all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private void pipeFrame(String stream, long seq, Instant at) {
        frames.pipeInput(stream, frame(stream, seq, seq * 1000), at);
    }

    private List<Long> stored(String stream, long upTo) {
        // The store itself: what the sweep keeps, whether or not the views would show it.
        var store = driver.<String, Object>getKeyValueStore(ViewsTopology.KEYFRAMES_STORE);
        return LongStream.range(0, upTo)
                .filter(seq -> store.get(dev.longwatch.query.views.FrameKeys.key(stream, 0, seq)) != null)
                .boxed()
                .toList();
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
