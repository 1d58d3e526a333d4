package dev.longwatch.memory.job;

import static dev.longwatch.memory.job.TestFrames.axisFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.memory.config.MemorySettings;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * {@code memory.bank.rule: BOUNDARY} in the operator, on RocksDB: the published slots carry the
 * boundary after them, a sealed chapter's last slot the boundary to the frame that sealed it, and
 * the option refuses token granularity by name.
 */
class BoundaryRuleJobTest {
    private static final String STREAM = "cam-1";

    @Test
    void shouldPublishEachSlotsBoundaryInSnapshotsAndChapters() throws Exception {
        // 3 slots, chapters of 4 frames (500 ms apart): frames on axes 0 0 1 1 | 2 2 3 0 | 0.
        BankConfig bank = BankConfig.frames(3).withRule(MergeRule.BOUNDARY);
        MemorySettings settings = new MemorySettings(bank, 0, 0.35, 0, 2_000);
        int[] axes = {0, 0, 1, 1, 2, 2, 3, 0, 0};
        try (KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord> harness =
                harness(settings)) {
            for (int seq = 0; seq < axes.length; seq++) {
                EmbeddingEvent frame = axisFrame(STREAM, seq, axes[seq]);
                harness.processElement1(frame, frame.wallMs());
            }
            List<OutRecord> out = List.copyOf(harness.extractOutputValues());

            List<Chapter> chapters = OutRecords.chapters(out);
            assertThat(chapters).hasSize(2);
            // Chapter 0 (axes 0 0 1 1): the weakest boundary (frames 0-1, alike) went first; the
            // cut between the axes is orthogonal (0), and so is the boundary after the chapter, to
            // frame 4 on axis 2.
            List<Slot> first = chapters.get(0).getSlotsList();
            assertThat(first).extracting(Slot::getStartMs).containsExactly(0L, 1_000L, 1_500L);
            assertThat(first).allSatisfy(s -> assertThat(s.hasEndSimilarity()).isTrue());
            assertThat(first).extracting(Slot::getEndSimilarity).containsExactly(0.0, 1.0, 0.0);
            // Chapter 1 (axes 2 2 3 0): three slots, the last sealed by frame 8 on the same axis.
            List<Slot> second = chapters.get(1).getSlotsList();
            assertThat(second).extracting(Slot::getStartMs).containsExactly(2_000L, 3_000L, 3_500L);
            assertThat(second.get(2).getEndSimilarity()).isEqualTo(1.0);

            MemorySnapshot live = OutRecords.snapshots(out).get(OutRecords.snapshots(out).size() - 1);
            assertThat(live.getSlotsList()).hasSize(1);
            assertThat(live.getSlots(0).hasEndSimilarity()).as("nothing follows the newest slot yet").isFalse();
        }
    }

    @Test
    void shouldReadTheRuleFromItsOptionAndRefuseItAtTokenGranularity() {
        Configuration options = new Configuration();
        options.setString(MemoryOptions.BANK_RULE.key(), "BOUNDARY");
        assertThat(MemorySettings.from(options).bank().rule()).isEqualTo(MergeRule.BOUNDARY);
        assertThat(MemorySettings.from(new Configuration()).bank().rule()).isEqualTo(MergeRule.MBC);

        options.setString(MemoryOptions.BANK_GRANULARITY.key(), "TOKEN");
        assertThatThrownBy(() -> MemorySettings.from(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory.bank.rule")
                .hasMessageContaining("memory.bank.granularity");
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord> harness(
            MemorySettings settings) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord> harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new MemoryBankFunction(settings)),
                        EmbeddingEvent::streamId,
                        StreamControl::streamId,
                        Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.setProcessingTime(0);
        harness.open();
        harness.processWatermarkStatus2(WatermarkStatus.IDLE);
        return harness;
    }
}
