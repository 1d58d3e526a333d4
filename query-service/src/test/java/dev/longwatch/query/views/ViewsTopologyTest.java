package dev.longwatch.query.views;

import static dev.longwatch.query.testing.Fixtures.chapter;
import static dev.longwatch.query.testing.Fixtures.frame;
import static dev.longwatch.query.testing.Fixtures.jpeg;
import static dev.longwatch.query.testing.Fixtures.memory;
import static dev.longwatch.query.testing.Fixtures.slot;
import static dev.longwatch.query.testing.Fixtures.spec;
import static dev.longwatch.query.testing.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.testing.TestViews;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.Frame;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewsTopologyTest {
    /** Field 1 with wire type 7, which does not exist: no protobuf parser accepts it. */
    private static final byte[] POISON = {0x0F, 0x01, 0x02};

    @TempDir Path stateDir;
    private TestViews test;
    private MemoryViews views;

    @BeforeEach
    void start() {
        test = new TestViews(stateDir);
        views = test.views();
    }

    @AfterEach
    void stop() {
        test.close();
    }

    /** The views show only what belongs to a registered stream. */
    private void registered(String... ids) {
        for (String id : ids) {
            test.pipeSpec(spec(id, "/v/" + id + ".mp4"));
        }
    }

    @Test
    void shouldShowNothingOfADeletedStreamOrOfAnotherIncarnation() {
        registered("cam-1");
        long incarnation = spec("cam-1", "x").getCreatedMs();
        test.pipeMemory(memory("cam-1", 3, List.of(slot(0, 1000, 1, 0))).toBuilder().setIncarnation(incarnation - 1).build());
        test.pipeStatus(status("cam-1", StreamState.COMPLETED, 10, "").toBuilder().setIncarnation(incarnation - 1).build());
        test.pipeChapter(chapter("cam-1", 0, 0, 600_000, List.of(slot(0, 1000, 1, 0))).toBuilder().setIncarnation(incarnation - 1).build());
        test.pipeFrame(frame("cam-1", 0, 0).toBuilder().setIncarnation(incarnation).build());

        assertThat(views.memory("cam-1")).as("a deleted predecessor's memory").isEmpty();
        assertThat(views.status("cam-1")).isEmpty();
        assertThat(views.chapters("cam-1")).isEmpty();
        assertThat(views.chapterKeys("cam-1")).containsExactly("cam-1/0");
        assertThat(views.frameJpeg("cam-1", incarnation, 0)).isPresent();
        assertThat(views.frameJpeg("cam-1", incarnation - 1, 0)).isEmpty();

        test.pipeMemory(memory("cam-1", 1, List.of(slot(0, 1000, 1, 0))).toBuilder().setIncarnation(incarnation).build());
        assertThat(views.memory("cam-1")).isPresent();
        test.deleteSpec("cam-1");
        assertThat(views.memory("cam-1")).as("the stream is deleted").isEmpty();
        assertThat(views.frameJpeg("cam-1", incarnation, 0)).isEmpty();
    }

    @Test
    void shouldServeLatestMemorySnapshotPerStream() {
        registered("cam-1", "cam-2");
        test.pipeMemory(memory("cam-1", 1, List.of(slot(0, 1000, 2, 0))));
        test.pipeMemory(memory("cam-2", 1, List.of(slot(0, 500, 1, 0))));
        test.pipeMemory(memory("cam-1", 2, List.of(slot(0, 1000, 2, 0), slot(1000, 3000, 3, 2))));

        assertThat(views.memory("cam-1")).hasValueSatisfying(m -> {
            assertThat(m.getVersion()).isEqualTo(2);
            assertThat(m.getSlotsCount()).isEqualTo(2);
        });
        assertThat(views.memory("cam-2")).hasValueSatisfying(m -> assertThat(m.getVersion()).isEqualTo(1));
        assertThat(views.memory("cam-3")).isEmpty();
    }

    @Test
    void shouldListStreamsInIdOrderAndForgetDeletedOnes() {
        test.pipeSpec(spec("zeta", "/v/z.mp4"));
        test.pipeSpec(spec("alpha", "/v/a.mp4"));
        test.pipeSpec(spec("mid", "rtsp://cam/live"));
        test.deleteSpec("mid");

        assertThat(views.specs()).extracting(StreamSpec::getId).containsExactly("alpha", "zeta");
        assertThat(views.spec("mid")).isEmpty();
        assertThat(views.spec("alpha")).hasValueSatisfying(s -> assertThat(s.getUri()).isEqualTo("/v/a.mp4"));
    }

    @Test
    void shouldKeepSealedChaptersPerStreamInIndexOrderAndForgetDeletedOnes() {
        registered("cam-1", "cam-10", "cam");
        // Indexes 10, 2, 1: key order ("cam-1/1" < "cam-1/10" < "cam-1/2") is not index order.
        for (long index : new long[] {10, 2, 1}) {
            test.pipeChapter(chapter("cam-1", index, index * 600_000, (index + 1) * 600_000,
                    List.of(slot(index * 600_000, index * 600_000 + 1000, 1, index))));
        }
        test.pipeChapter(chapter("cam-10", 0, 0, 600_000, List.of(slot(0, 1000, 1, 0))));
        test.pipeChapter(chapter("cam", 0, 0, 600_000, List.of(slot(0, 1000, 1, 0))));

        KeyValueStore<String, Chapter> store = test.driver().getKeyValueStore(ViewsTopology.CHAPTERS_STORE);
        assertThat(store.get("cam-1/2")).isNotNull().extracting(Chapter::getStartMs).isEqualTo(1_200_000L);
        assertThat(views.chapters("cam-1")).extracting(Chapter::getIndex).containsExactly(1L, 2L, 10L);
        assertThat(views.chapters("cam-10")).extracting(Chapter::getStreamId).containsExactly("cam-10");
        assertThat(views.chapters("cam")).extracting(Chapter::getStreamId).containsExactly("cam");
        assertThat(views.chapters("cam-2")).isEmpty();
        assertThat(views.chapter("cam-1", 2)).hasValueSatisfying(c -> assertThat(c.getStartMs()).isEqualTo(1_200_000L));
        assertThat(views.chapter("cam-1", 0)).isEmpty();
        assertThat(views.chapter("cam-10", 0)).hasValueSatisfying(c -> assertThat(c.getStreamId()).isEqualTo("cam-10"));

        test.deleteChapter("cam-1", 2);
        test.deleteChapter("cam-10", 0);

        assertThat(store.get("cam-1/2")).isNull();
        assertThat(views.chapters("cam-1")).extracting(Chapter::getIndex).containsExactly(1L, 10L);
        assertThat(views.chapters("cam-10")).isEmpty();
        assertThat(views.chapter("cam-1", 2)).isEmpty();
    }

    @Test
    void shouldServeLatestStatus() {
        registered("cam-1");
        test.pipeStatus(status("cam-1", StreamState.RUNNING, 10, ""));
        test.pipeStatus(status("cam-1", StreamState.FAILED, 12, "connection refused"));

        assertThat(views.status("cam-1")).hasValueSatisfying(s -> {
            assertThat(s.getState()).isEqualTo(StreamState.FAILED);
            assertThat(s.getFramesProduced()).isEqualTo(12);
            assertThat(s.getError()).isEqualTo("connection refused");
        });
    }

    @Test
    void shouldKeepEveryFrameJpegUnderKeysThatScanInSeqOrder() {
        registered("cam-1", "cam-10");
        for (long seq : new long[] {10, 2, 1, 100}) {
            test.pipeFrame(frame("cam-1", seq, seq * 1000));
        }
        test.pipeFrame(frame("cam-10", 5, 5000));

        assertThat(views.frameJpeg("cam-1", 0, 10)).hasValueSatisfying(b -> assertThat(b).isEqualTo(jpeg("cam-1", 10)));
        assertThat(views.frameJpeg("cam-1", 0, 5)).isEmpty();
        assertThat(views.frameJpeg("cam-10", 0, 5)).isPresent();

        KeyValueStore<String, byte[]> store = test.driver().getKeyValueStore(ViewsTopology.KEYFRAMES_STORE);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(FrameKeys.first("cam-1"), FrameKeys.last("cam-1"))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertThat(keys)
                .containsExactly(
                        FrameKeys.key("cam-1", 0, 1),
                        FrameKeys.key("cam-1", 0, 2),
                        FrameKeys.key("cam-1", 0, 10),
                        FrameKeys.key("cam-1", 0, 100));
    }

    @Test
    void shouldSendUnparseableRecordToDeadLetterTopicAndKeepGoing() {
        registered("cam-1");
        TestInputTopic<String, byte[]> raw =
                test.driver()
                        .createInputTopic(Topics.MEMORY.name(), new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput("cam-1", POISON);
        test.pipeMemory(memory("cam-1", 7, List.of(slot(0, 1000, 1, 0))));

        List<KeyValue<byte[], DeadLetter>> letters = test.deadLetters().readKeyValuesToList();
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value;
        assertThat(letters.get(0).key).isEqualTo("cam-1".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.MEMORY.name());
        assertThat(letter.getValue().toByteArray()).isEqualTo(POISON);
        assertThat(letter.getKey().toStringUtf8()).isEqualTo("cam-1");
        assertThat(letter.getReason()).contains("deserialization failed");
        assertThat(letter.getComponent()).isEqualTo("query-service");
        assertThat(views.memory("cam-1")).hasValueSatisfying(m -> assertThat(m.getVersion()).isEqualTo(7));
    }

    @Test
    void shouldSendFrameWithoutStreamKeyToDeadLetterTopic() {
        TestInputTopic<String, Frame> frames =
                test.driver()
                        .createInputTopic(
                                Topics.FRAMES.name(),
                                Topics.FRAMES.keySerde().serializer(),
                                Topics.FRAMES.valueSerde().serializer());
        Frame orphan = frame("cam-1", 3, 3000);
        frames.pipeInput(new TestRecord<>(null, orphan));

        List<KeyValue<byte[], DeadLetter>> letters = test.deadLetters().readKeyValuesToList();
        assertThat(letters).singleElement().satisfies(kv -> {
            assertThat(kv.value.getSourceTopic()).isEqualTo(Topics.FRAMES.name());
            assertThat(kv.value.getValue()).isEqualTo(orphan.toByteString());
            assertThat(kv.value.getReason()).contains("without stream key");
        });
        assertThat(views.frameJpeg("cam-1", 0, 3)).isEmpty();
    }

    @Test
    void shouldReadOnlyCommittedRecordsAndRouteBadRecordsToTheDeadLetterHandler() {
        Properties config = ViewsTopology.streamsConfig(QueryServiceSettings.defaults("b:9092").withStateDir(stateDir));

        assertThat(config.get(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG)))
                .isEqualTo("read_committed");
        assertThat(config.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class.getName());
        assertThat(new StreamsConfig(config).getMainConsumerConfigs("g", "c", 0))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
}
