package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The whole job on a MiniCluster (parallelism 2, RocksDB, Kryo off) with a collecting sink. */
class MemoryJobITCase {
    /** No stream is deleted: a control source without records. */
    private static final SyntheticEmbeddingSource NO_DELETIONS =
            new SyntheticEmbeddingSource(List.of());

    private static final int CAPACITY = 6;
    private static final int FRAMES = 60;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @BeforeEach
    void clear() {
        CollectingSink.RECORDS.clear();
    }

    @Test
    void shouldCoverEveryFrameOfEveryStreamInAtMostCapacitySlots() throws Exception {
        List<SyntheticEmbeddingSource.StreamSplit> streams =
                List.of(
                        new SyntheticEmbeddingSource.StreamSplit("cam-a", 0, FRAMES, -1, -1),
                        new SyntheticEmbeddingSource.StreamSplit("cam-b", 0, FRAMES, 17, -1),
                        new SyntheticEmbeddingSource.StreamSplit("cam-c", 0, FRAMES, -1, 30),
                        new SyntheticEmbeddingSource.StreamSplit("cam-d", 0, FRAMES / 2, -1, -1),
                        new SyntheticEmbeddingSource.StreamSplit("cam-e", 0, 3, -1, -1));
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();

        Configuration options = new Configuration();
        options.set(MemoryOptions.BANK_SLOTS, CAPACITY);
        // Bounded input ends before a processing-time flush could fire: publish every change.
        options.set(MemoryOptions.EMIT_INTERVAL, Duration.ZERO);
        new MemoryJob(
                        new SyntheticEmbeddingSource(streams),
                        NO_DELETIONS,
                        new CollectingSink(),
                        options)
                .build(env);
        env.execute("memory-itcase");

        List<OutRecord> out = new ArrayList<>(CollectingSink.RECORDS);
        Map<String, MemorySnapshot> finals =
                OutRecords.snapshots(out).stream()
                        .collect(
                                Collectors.toMap(
                                        MemorySnapshot::getStreamId,
                                        s -> s,
                                        (a, b) -> a.getVersion() >= b.getVersion() ? a : b));
        assertThat(finals).containsOnlyKeys("cam-a", "cam-b", "cam-c", "cam-d", "cam-e");
        for (SyntheticEmbeddingSource.StreamSplit stream : streams) {
            List<Long> pts = new ArrayList<>();
            for (long seq = 0; seq < stream.endSeq(); seq++) {
                if (seq != stream.poisonSeq()) {
                    pts.add(seq * TestFrames.FRAME_MS);
                }
            }
            assertCoversInOrder(finals.get(stream.streamId()), pts);
        }

        List<DeadLetter> letters = OutRecords.deadLetters(out);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getKey().toStringUtf8()).isEqualTo("cam-b");
        assertThat(letters.get(0).getOffset()).isEqualTo(17);

        Map<EventKind, List<MemoryEvent>> events =
                OutRecords.events(out).stream()
                        .collect(Collectors.groupingBy(MemoryEvent::getKind));
        assertThat(events.get(EventKind.START)).hasSize(streams.size());
        assertThat(events.get(EventKind.GAP))
                .singleElement()
                .satisfies(gap -> assertThat(gap.getStreamId()).isEqualTo("cam-c"))
                .satisfies(gap -> assertThat(gap.getSeq()).isEqualTo(30));
    }

    private static void assertCoversInOrder(MemorySnapshot snapshot, List<Long> pts) {
        String stream = snapshot.getStreamId();
        assertThat(snapshot.getFramesSeen()).as(stream).isEqualTo(pts.size());
        assertThat(snapshot.getVersion()).as(stream).isEqualTo(pts.size());
        assertThat(snapshot.getSlotsCount()).as(stream).isLessThanOrEqualTo(CAPACITY).isPositive();
        assertThat(snapshot.getSlotsList())
                .as(stream + " in order")
                .isSortedAccordingTo(Comparator.comparingLong(Slot::getStartMs));
        int first = 0;
        for (Slot slot : snapshot.getSlotsList()) {
            int last = first + (int) slot.getFrameCount() - 1;
            assertThat(slot.getStartMs()).as(stream + " slot start").isEqualTo(pts.get(first));
            assertThat(slot.getEndMs()).as(stream + " slot end").isEqualTo(pts.get(last));
            assertThat(slot.getDescriptorCount()).isEqualTo(TestFrames.DIM);
            first = last + 1;
        }
        assertThat(first).as(stream + ": slots cover every frame").isEqualTo(pts.size());
    }
}
