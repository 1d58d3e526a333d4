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
        assertThat(views.frameJpeg("cam", 3)).isEmpty();
        assertThat(views.frameJpeg("cam", 1)).isPresent();
    }

    @Test
    void shouldKeepFramesOfRegisteredStreamWithoutMemoryAndDropThoseOfDeletedStream() {
        // Given two streams with old frames and no memory: one still registered, one deleted
        specs.pipeInput("waiting", spec("waiting", "/w.mp4"), T0);
        pipeFrame("waiting", 0, T0);
        pipeFrame("deleted", 0, T0);
        pipeFrame("deleted", 1, T0.plusSeconds(1));

        // When stream time passes the grace and a sweep runs
        pipeFrame("waiting", 1, T0.plus(GRACE).plusSeconds(5));
        driver.advanceWallClockTime(SWEEP);

        // Then the registered stream keeps everything (its memory has not caught up yet), the
        // deleted one loses the frames older than the grace
        assertThat(stored("waiting", 2)).containsExactly(0L, 1L);
        assertThat(stored("deleted", 2)).isEmpty();
    }

    private void pipeFrame(String stream, long seq, Instant at) {
        frames.pipeInput(stream, frame(stream, seq, seq * 1000), at);
    }

    private List<Long> stored(String stream, long upTo) {
        return LongStream.range(0, upTo).filter(seq -> views.frameJpeg(stream, seq).isPresent()).boxed().toList();
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
