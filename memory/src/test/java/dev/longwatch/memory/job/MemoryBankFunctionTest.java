package dev.longwatch.memory.job;

import static dev.longwatch.memory.job.TestFrames.axisFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.chapter.SealedChapter;
import dev.longwatch.memory.config.MemorySettings;
import dev.longwatch.schema.TokenCodec;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.DeadLetter;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * The bank operator in a harness: state, timers and outputs, with processing time and watermarks
 * by hand. Each frame carries its wall_ms as its timestamp (what {@link EventTime} assigns), and
 * the control input is idle, as in the job, so input 1's watermarks are the operator's.
 */
class MemoryBankFunctionTest {
    private static final String STREAM = "cam-1";

    private KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord>
            harness;

    private void open(MemorySettings settings) throws Exception {
        open(settings, null, false);
    }

    private void open(MemorySettings settings, OperatorSubtaskState restored, boolean rocksDb)
            throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new MemoryBankFunction(settings)),
                        EmbeddingEvent::streamId,
                        StreamControl::streamId,
                        Types.STRING);
        // As in pipeline.generic-types=false: a state type that needs Kryo fails here.
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.setProcessingTime(0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        harness.processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    private static MemorySettings settings(int capacity, long emitIntervalMs) {
        return new MemorySettings(BankConfig.frames(capacity), emitIntervalMs, 0.35, 0);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void send(EmbeddingEvent event) throws Exception {
        harness.processElement1(event, event.wallMs());
    }

    /** Event time of frame {@code seq} (see {@link TestFrames#WALL_START_MS}). */
    private static long wallOf(long seq) {
        return TestFrames.WALL_START_MS + seq * TestFrames.FRAME_MS;
    }

    private void watermark(long ms) throws Exception {
        harness.processWatermark1(new Watermark(ms));
    }

    private List<OutRecord> drain() {
        List<OutRecord> out = List.copyOf(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    @Test
    void shouldPublishStartAndSnapshotOnTheFirstFrame() throws Exception {
        open(settings(3, 0));
        send(axisFrame(STREAM, 0, 0));

        List<OutRecord> out = drain();
        assertThat(OutRecords.events(out))
                .extracting(MemoryEvent::getKind)
                .containsExactly(EventKind.START);
        MemorySnapshot snapshot = OutRecords.snapshots(out).get(0);
        assertThat(snapshot.getStreamId()).isEqualTo(STREAM);
        assertThat(snapshot.getVersion()).isEqualTo(1);
        assertThat(snapshot.getFramesSeen()).isEqualTo(1);
        assertThat(snapshot.getCapacity()).isEqualTo(3);
        assertThat(snapshot.getEncoderId()).isEqualTo(TestFrames.ENCODER);
        assertThat(snapshot.getLastSeq()).isZero();
        assertThat(snapshot.getSlotsList()).hasSize(1);
        Slot slot = snapshot.getSlots(0);
        assertThat(slot.getDescriptorList()).hasSize(TestFrames.DIM).startsWith(1f, 0f);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void shouldRateLimitSnapshotsAndFlushTheLastChangeOnTimer() throws Exception {
        open(settings(3, 500));
        send(axisFrame(STREAM, 0, 0));
        assertThat(OutRecords.snapshots(drain())).hasSize(1);

        harness.setProcessingTime(100);
        send(axisFrame(STREAM, 1, 0));
        harness.setProcessingTime(200);
        send(axisFrame(STREAM, 2, 0));
        assertThat(OutRecords.snapshots(drain())).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(499);
        assertThat(OutRecords.snapshots(drain())).isEmpty();
        harness.setProcessingTime(500);
        List<MemorySnapshot> flushed = OutRecords.snapshots(drain());
        assertThat(flushed).hasSize(1);
        assertThat(flushed.get(0).getVersion()).isEqualTo(3);
        assertThat(flushed.get(0).getFramesSeen()).isEqualTo(3);
        assertThat(flushed.get(0).getUpdatedMs()).isEqualTo(500);
        assertThat(harness.numProcessingTimeTimers()).isZero();

        // A long quiet spell: the next change goes out at once.
        harness.setProcessingTime(5_000);
        send(axisFrame(STREAM, 3, 0));
        assertThat(OutRecords.snapshots(drain()))
                .extracting(MemorySnapshot::getVersion)
                .containsExactly(4L);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void shouldIgnoreDuplicateAndOutOfOrderFrames() throws Exception {
        open(settings(3, 0));
        for (long seq = 0; seq < 3; seq++) {
            send(axisFrame(STREAM, seq, 0));
        }
        drain();
        send(axisFrame(STREAM, 2, 1));
        send(axisFrame(STREAM, 1, 1));
        assertThat(drain()).isEmpty();

        send(axisFrame(STREAM, 3, 0));
        MemorySnapshot snapshot = OutRecords.snapshots(drain()).get(0);
        assertThat(snapshot.getFramesSeen()).isEqualTo(4);
        assertThat(snapshot.getVersion()).isEqualTo(4);
        assertThat(snapshot.getLastSeq()).isEqualTo(3);
    }

    @Test
    void shouldPublishNoveltyAndGapEvents() throws Exception {
        open(settings(3, 0));
        send(axisFrame(STREAM, 0, 0));
        send(axisFrame(STREAM, 1, 0));
        assertThat(OutRecords.events(drain()))
                .extracting(MemoryEvent::getKind)
                .containsExactly(EventKind.START);

        send(axisFrame(STREAM, 2, 1)); // orthogonal to the last slot: similarity 0
        List<MemoryEvent> novelty = OutRecords.events(drain());
        assertThat(novelty).extracting(MemoryEvent::getKind).containsExactly(EventKind.NOVELTY);
        assertThat(novelty.get(0).getScore()).isCloseTo(1.0, within(1e-9));
        assertThat(novelty.get(0).getSeq()).isEqualTo(2);
        assertThat(novelty.get(0).getPtsMs()).isEqualTo(2 * TestFrames.FRAME_MS);

        EmbeddingEvent afterGap = axisFrame(STREAM, 9, 1);
        send(TestFrames.frame(STREAM, 9, afterGap.values(), true));
        assertThat(OutRecords.events(drain()))
                .extracting(MemoryEvent::getKind)
                .containsExactly(EventKind.GAP);
    }

    @Test
    void shouldSummariseAtMostCapacitySlotsTilingTheFrames() throws Exception {
        open(settings(3, 0));
        int[] axes = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
        for (int seq = 0; seq < axes.length; seq++) {
            send(axisFrame(STREAM, seq, axes[seq]));
        }
        List<MemorySnapshot> snapshots = OutRecords.snapshots(drain());
        MemorySnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.getSlotsList()).hasSize(3);
        assertThat(last.getSlotsList()).extracting(Slot::getFrameCount).containsExactly(5L, 4L, 1L);
        assertThat(last.getSlotsList())
                .extracting(Slot::getStartMs)
                .containsExactly(0L, 2500L, 4500L);
        assertThat(last.getSlotsList())
                .extracting(Slot::getEndMs)
                .containsExactly(2000L, 4000L, 4500L);
        // Slot 0 averages three frames on axis 0 and two on axis 1, stored in binary16: each of
        // its two merges rounded once, by at most half a unit in the last place (2^-11 here).
        assertThat(last.getSlots(0).getDescriptor(0)).isCloseTo(0.6f, within(0x1p-11f));
        assertThat(last.getSlots(0).getDescriptor(1)).isCloseTo(0.4f, within(0x1p-11f));
    }

    @Test
    void shouldDeadLetterFramesThatDoNotFitTheBank() throws Exception {
        open(settings(3, 0));
        send(axisFrame(STREAM, 0, 0));
        drain();
        send(TestFrames.frame(STREAM, 1, new float[TestFrames.TOKENS * 3], false));
        EmbeddingEvent otherEncoder = axisFrame(STREAM, 2, 0);
        send(
                new EmbeddingEvent(
                        STREAM,
                        2,
                        1000,
                        0,
                        "other",
                        TestFrames.TOKENS,
                        TestFrames.DIM,
                        otherEncoder.values(),
                        false));

        List<OutRecord> out = drain();
        assertThat(OutRecords.snapshots(out)).isEmpty();
        List<DeadLetter> letters = OutRecords.deadLetters(out);
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .satisfiesExactly(
                        reason ->
                                assertThat(reason)
                                        .contains("shape mismatch")
                                        .contains("4x3")
                                        .contains("4x8"),
                        reason ->
                                assertThat(reason)
                                        .contains("encoder mismatch")
                                        .contains("'other'"));
        assertThat(letters.get(0).getComponent()).isEqualTo(DeadLetters.COMPONENT);
        assertThat(letters.get(0).getKey().toStringUtf8()).isEqualTo(STREAM);
        assertThat(letters.get(0).getValue().isEmpty()).isFalse();
    }

    private static final long RETENTION_MS = 10_000; // 20 frames

    private static MemorySettings idleSettings(long emitIntervalMs) {
        return new MemorySettings(BankConfig.frames(3), emitIntervalMs, 0.35, RETENTION_MS);
    }

    @Test
    void shouldMoveAVersion2ProcessingTimeIdleTimerToEventTimeWhenItFires() throws Exception {
        // A stream that sends nothing after the restore: only the fired legacy timer can end it.
        open(idleSettings(0));
        send(axisFrame(STREAM, 0, 0));
        send(axisFrame(STREAM, 1, 0));
        drain();
        OperatorSubtaskState current = harness.snapshot(1, 100);
        harness.close();
        long legacyCheck = 1_000; // processing time
        OperatorSubtaskState version2 = asVersion2IdleTimer(current, legacyCheck);

        open(idleSettings(0), version2, false);
        assertThat(harness.numProcessingTimeTimers()).as("the version 2 idle timer").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.setProcessingTime(legacyCheck);
        assertThat(drain()).as("it fires and moves to event time, nothing ends yet").isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(wallOf(1) + RETENTION_MS - 1);
        assertThat(drain()).isEmpty();
        watermark(wallOf(1) + RETENTION_MS);
        assertThat(OutRecords.events(drain())).extracting(MemoryEvent::getKind).containsExactly(EventKind.END);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /**
     * {@code state} as schema version 2 would have left it: the stream's idle timer a
     * processing-time timer at {@code checkMs}, and its progress not marked as event time. Written
     * by a function that declares only the progress state (the bank's other states pass through
     * the snapshot as they are) and that uses the same timer service.
     */
    private static OperatorSubtaskState asVersion2IdleTimer(OperatorSubtaskState state, long checkMs) throws Exception {
        KeyedCoProcessFunction<String, EmbeddingEvent, StreamControl, OutRecord> rewrite =
                new KeyedCoProcessFunction<>() {
                    private transient ValueState<StreamProgress> progress;

                    @Override
                    public void open(OpenContext context) {
                        progress = getRuntimeContext().getState(
                                new ValueStateDescriptor<>(MemoryStateSchema.PROGRESS, StreamProgress.class));
                    }

                    @Override
                    public void processElement1(EmbeddingEvent event, Context ctx, Collector<OutRecord> out) throws Exception {
                        StreamProgress p = progress.value();
                        ctx.timerService().deleteEventTimeTimer(p.idleCheckMs());
                        ctx.timerService().registerProcessingTimeTimer(checkMs);
                        progress.update(new StreamProgress(p.encoderId(), p.version(), p.lastPublishedMs(),
                                p.pendingFlushMs(), p.lastFrameMs(), checkMs, false, p.stateVersion()));
                    }

                    @Override
                    public void processElement2(StreamControl deleted, Context ctx, Collector<OutRecord> out) {}
                };
        try (KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord> writer =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(rewrite), EmbeddingEvent::streamId, StreamControl::streamId, Types.STRING)) {
            writer.setProcessingTime(0);
            writer.initializeState(state);
            writer.open();
            writer.processElement1(axisFrame(STREAM, 99, 0), 0);
            assertThat(writer.numEventTimeTimers()).isZero();
            return writer.snapshot(2, 200);
        }
    }

    @Test
    void shouldEndAStreamWhenTheWatermarkPassesItsNewestFramePlusTheRetention() throws Exception {
        open(idleSettings(500));
        send(axisFrame(STREAM, 0, 0)); // published at once
        harness.setProcessingTime(100);
        send(axisFrame(STREAM, 1, 0)); // pending, the flush timer is at 500 processing time
        send(axisFrame(STREAM, 2, 0));
        drain();
        assertThat(harness.numEventTimeTimers()).as("the idle timer").isEqualTo(1);
        assertThat(harness.numProcessingTimeTimers()).as("the flush timer").isEqualTo(1);

        watermark(wallOf(0) + RETENTION_MS); // the first idle check: frames came since, re-armed
        assertThat(drain()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark(wallOf(2) + RETENTION_MS - 1);
        assertThat(drain()).isEmpty();

        watermark(wallOf(2) + RETENTION_MS);
        List<OutRecord> out = drain();
        assertThat(OutRecords.snapshots(out))
                .as("the pending change is published before the state goes")
                .singleElement()
                .satisfies(last -> assertThat(last.getLastSeq()).isEqualTo(2));
        List<MemoryEvent> events = OutRecords.events(out);
        assertThat(events).extracting(MemoryEvent::getKind).containsExactly(EventKind.END);
        assertThat(events.get(0).getSeq()).isEqualTo(2);
        assertThat(events.get(0).getPtsMs()).isEqualTo(2 * TestFrames.FRAME_MS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.setProcessingTime(10_000);
        assertThat(drain()).as("the flush timer went with the state").isEmpty();
        // A frame after expiry starts a new bank.
        send(axisFrame(STREAM, 40, 0));
        assertThat(OutRecords.events(drain()))
                .extracting(MemoryEvent::getKind)
                .containsExactly(EventKind.START);
    }

    @Test
    void shouldIgnoreProcessingTimeForIdleExpiry() throws Exception {
        open(idleSettings(0));
        send(axisFrame(STREAM, 0, 0));
        drain();
        harness.setProcessingTime(RETENTION_MS * 100);
        assertThat(drain()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isPositive();
    }

    /**
     * Whether the watermark passes the retention before the stream's next frame arrives or after
     * (the order depends on other partitions and on timing), the stream ends at the same frame.
     */
    @Test
    void shouldEndAnIdleStreamTheSameWhetherItsNextFrameOrTheWatermarkComesFirst()
            throws Exception {
        open(idleSettings(0));
        for (int seq = 0; seq < 3; seq++) {
            send(axisFrame(STREAM, seq, 0));
        }
        drain();
        send(axisFrame(STREAM, 30, 1)); // 14 s of frame time after seq 2; no watermark yet
        List<OutRecord> frameFirst = drain();
        assertThat(harness.numEventTimeTimers()).as("the new bank's idle timer").isEqualTo(1);
        watermark(wallOf(30) - 1);
        assertThat(drain()).isEmpty();
        harness.close();

        open(idleSettings(0));
        for (int seq = 0; seq < 3; seq++) {
            send(axisFrame(STREAM, seq, 0));
        }
        drain();
        watermark(wallOf(30) - 1);
        send(axisFrame(STREAM, 30, 1));
        List<OutRecord> watermarkFirst = drain();

        assertThat(OutRecords.events(frameFirst))
                .extracting(MemoryEvent::getKind, MemoryEvent::getSeq)
                .containsExactly(tuple(EventKind.END, 2L), tuple(EventKind.START, 30L));
        assertThat(OutRecords.events(watermarkFirst)).isEqualTo(OutRecords.events(frameFirst));
        assertThat(snapshotsWithoutTime(watermarkFirst))
                .isEqualTo(snapshotsWithoutTime(frameFirst))
                .last()
                .satisfies(bank -> assertThat(bank.getFramesSeen()).isEqualTo(1));
    }

    /** A stream that comes back after the retention numbers its frames from 0 again. */
    @Test
    void shouldStartANewBankForAStreamThatComesBackWithItsSeqFromZero() throws Exception {
        List<List<MemoryEvent>> runs = new ArrayList<>();
        for (boolean watermarkFirst : new boolean[] {false, true}) {
            open(idleSettings(0));
            for (int seq = 0; seq < 3; seq++) {
                send(axisFrame(STREAM, seq, 0));
            }
            drain();
            // seq 0 again, captured 14 s after seq 2: past the 10 s retention
            EmbeddingEvent back = TestFrames.frame(STREAM, 0, axisFrame(STREAM, 0, 1).values(), false, wallOf(30));
            if (watermarkFirst) {
                watermark(wallOf(30) - 1);
            }
            send(back);
            runs.add(OutRecords.events(drain()));
            harness.close();
        }

        assertThat(runs.get(0))
                .extracting(MemoryEvent::getKind, MemoryEvent::getSeq)
                .containsExactly(tuple(EventKind.END, 2L), tuple(EventKind.START, 0L));
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }

    /** A replay of the frames after a checkpoint ends the stream with the same END event. */
    @Test
    void shouldPublishTheSameEndAfterARestoreAndAReplay() throws Exception {
        open(idleSettings(0), null, false);
        for (int seq = 0; seq < 5; seq++) {
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1, 100);
        for (int seq = 5; seq < 9; seq++) {
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        drain();
        watermark(wallOf(8) + RETENTION_MS);
        List<MemoryEvent> first = OutRecords.events(drain());
        harness.close();

        open(idleSettings(0), checkpoint, false);
        assertThat(harness.numEventTimeTimers()).as("the idle timer was restored").isEqualTo(1);
        for (int seq = 3; seq < 9; seq++) { // the source rewinds to before the checkpoint
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        drain();
        watermark(wallOf(8) + RETENTION_MS);
        List<MemoryEvent> replayed = OutRecords.events(drain());

        assertThat(first)
                .singleElement()
                .satisfies(end -> assertThat(end.getKind()).isEqualTo(EventKind.END))
                .satisfies(end -> assertThat(end.getSeq()).isEqualTo(8));
        assertThat(replayed).isEqualTo(first);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    private static List<MemorySnapshot> snapshotsWithoutTime(List<OutRecord> out) {
        return OutRecords.snapshots(out).stream()
                .map(snapshot -> snapshot.toBuilder().clearUpdatedMs().build())
                .toList();
    }

    @Test
    void shouldKeepTokenGranularityBanksToo() throws Exception {
        open(new MemorySettings(BankConfig.tokens(2), 0, 0.35, 0));
        for (int seq = 0; seq < 5; seq++) {
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        List<MemorySnapshot> snapshots = OutRecords.snapshots(drain());
        MemorySnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.getSlotsList()).hasSize(2);
        assertThat(last.getFramesSeen()).isEqualTo(5);
        assertThat(last.getSlots(0).getStartMs()).isZero();
        assertThat(last.getSlots(1).getEndMs()).isEqualTo(4 * TestFrames.FRAME_MS);
    }

    @Test
    void shouldResumeTheBankFromACheckpointOnRocksDb() throws Exception {
        open(settings(3, 500), null, true);
        for (int seq = 0; seq < 5; seq++) {
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1, 100);
        harness.close();

        open(settings(3, 500), checkpoint, true);
        send(TestFrames.frame(STREAM, 4, TestFrames.sceneValues(STREAM, 4), false)); // a replay
        send(TestFrames.frame(STREAM, 5, TestFrames.sceneValues(STREAM, 5), false));
        assertThat(OutRecords.snapshots(drain())).isEmpty(); // the restored flush timer is pending
        harness.setProcessingTime(500);
        List<OutRecord> out = drain();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(OutRecords.events(out))
                .extracting(MemoryEvent::getKind)
                .doesNotContain(EventKind.START);
        MemorySnapshot snapshot = OutRecords.snapshots(out).get(0);
        assertThat(snapshot.getFramesSeen()).isEqualTo(6);
        assertThat(snapshot.getVersion()).isEqualTo(6);
        assertThat(snapshot.getSlotsList()).hasSize(3);
        assertThat(snapshot.getSlotsList().stream().mapToLong(Slot::getFrameCount).sum())
                .isEqualTo(6);
    }

    private static EmbeddingEvent scene(long seq) {
        return TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false);
    }

    /**
     * State schema version 4 kept the slot tensors in F32 ({@code slot-tensors}); this version
     * adopts them into binary16 at the stream's next frame. Here the F32 values are halves widened
     * (so nothing is lost in the move), and the restored run must end bit for bit as the run that
     * was never interrupted, with the F32 state gone.
     */
    @Test
    void shouldAdoptTheF32SlotsOfVersion4StateAtTheStreamsNextFrame() throws Exception {
        open(settings(3, 0));
        for (int seq = 0; seq < 6; seq++) {
            send(scene(seq));
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1, 100);
        drain();
        for (int seq = 6; seq < 12; seq++) {
            send(scene(seq));
        }
        List<OutRecord> uninterrupted = drain();
        int entries = harness.numKeyedStateEntries();
        harness.close();

        open(settings(3, 0), asVersion4Tensors(checkpoint), false);
        for (int seq = 6; seq < 12; seq++) {
            send(scene(seq));
        }
        List<OutRecord> restored = drain();

        assertThat(snapshotsWithoutTime(restored)).isEqualTo(snapshotsWithoutTime(uninterrupted));
        assertThat(OutRecords.events(restored)).isEqualTo(OutRecords.events(uninterrupted));
        assertThat(harness.numKeyedStateEntries()).as("no F32 slot left").isEqualTo(entries);
    }

    /**
     * {@code state} as state schema version 4 would have left it: every slot tensor in {@code
     * slot-tensors} as floats, no {@code slot-halves} or {@code slot-norms}, and the progress
     * without a state version. Written by a function that declares only those states.
     */
    private static OperatorSubtaskState asVersion4Tensors(OperatorSubtaskState state) throws Exception {
        KeyedCoProcessFunction<String, EmbeddingEvent, StreamControl, OutRecord> rewrite =
                new KeyedCoProcessFunction<>() {
                    private transient ValueState<BankIndex> index;
                    private transient ValueState<StreamProgress> progress;
                    private transient MapState<Long, short[]> halves;
                    private transient MapState<Long, double[]> norms;
                    private transient MapState<Long, float[]> tensors;

                    @Override
                    public void open(OpenContext context) {
                        index = getRuntimeContext().getState(
                                new ValueStateDescriptor<>(MemoryStateSchema.BANK_INDEX, BankIndex.class));
                        progress = getRuntimeContext().getState(
                                new ValueStateDescriptor<>(MemoryStateSchema.PROGRESS, StreamProgress.class));
                        halves = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                                MemoryStateSchema.SLOT_HALVES, LongSerializer.INSTANCE, HalfArraySerializer.INSTANCE));
                        norms = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                                MemoryStateSchema.SLOT_NORMS, Types.LONG, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
                        tensors = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                                MemoryStateSchema.SLOT_TENSORS, Types.LONG, PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
                    }

                    @Override
                    public void processElement1(EmbeddingEvent event, Context ctx, Collector<OutRecord> out) throws Exception {
                        for (Lane lane : index.value().lanes()) {
                            for (long id : lane.ids()) {
                                short[] bits = halves.get(id);
                                float[] values = new float[bits.length];
                                for (int i = 0; i < bits.length; i++) {
                                    values[i] = TokenCodec.fromHalf(bits[i]);
                                }
                                tensors.put(id, values);
                            }
                        }
                        halves.clear();
                        norms.clear();
                        StreamProgress p = progress.value();
                        progress.update(new StreamProgress(p.encoderId(), p.version(), p.lastPublishedMs(),
                                p.pendingFlushMs(), p.lastFrameMs(), p.idleCheckMs(), p.idleTimerInEventTime(), 0));
                    }

                    @Override
                    public void processElement2(StreamControl control, Context ctx, Collector<OutRecord> out) {}
                };
        try (KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord> writer =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(rewrite), EmbeddingEvent::streamId, StreamControl::streamId, Types.STRING)) {
            writer.setProcessingTime(0);
            writer.initializeState(state);
            writer.open();
            writer.processElement1(axisFrame(STREAM, 99, 0), 0);
            return writer.snapshot(2, 200);
        }
    }

    /**
     * A restart with a lower {@code memory.bank.slots}: the restored bank is merged down by the
     * bank's own rule before it is used, so the pending snapshot and the next frame show a bank of
     * the new capacity, the one the bank library makes of the same frames.
     */
    @Test
    void shouldMergeARestoredBankDownToFewerSlots() throws Exception {
        open(settings(6, 500), null, true);
        harness.setProcessingTime(100);
        for (int seq = 0; seq < 10; seq++) {
            send(scene(seq)); // the first at once, the rest pending until processing time 600
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1, 100);
        harness.close();

        open(settings(3, 500), checkpoint, true);
        harness.setProcessingTime(600);
        List<MemorySnapshot> flushed = OutRecords.snapshots(drain());
        harness.setProcessingTime(2_000);
        send(scene(10));
        List<MemorySnapshot> next = OutRecords.snapshots(drain());

        BankStorage storage = BankStorage.inMemory(StorageDtype.F16);
        MemoryBank before = MemoryBank.create(BankConfig.frames(6));
        MemoryBank after = MemoryBank.create(BankConfig.frames(3));
        BankIndex index = BankIndex.empty();
        for (int seq = 0; seq < 10; seq++) {
            index = before.append(index, scene(seq).toBankFrame(), storage).index();
        }
        index = after.fit(index, storage);
        assertThat(flushed).singleElement().satisfies(snapshot -> {
            assertThat(snapshot.getCapacity()).isEqualTo(3);
            assertThat(snapshot.getFramesSeen()).isEqualTo(10);
        });
        assertThat(flushed.get(0).getSlotsList()).isEqualTo(slots(after.slots(index, storage)));
        index = after.append(index, scene(10).toBankFrame(), storage).index();
        assertThat(next).singleElement().satisfies(snapshot -> assertThat(snapshot.getFramesSeen()).isEqualTo(11));
        assertThat(next.get(0).getSlotsList()).isEqualTo(slots(after.slots(index, storage)));
    }

    /** A restart with a higher {@code memory.bank.slots}: the bank grows into it. */
    @Test
    void shouldGrowARestoredBankIntoMoreSlots() throws Exception {
        open(settings(3, 0), null, true);
        for (int seq = 0; seq < 8; seq++) {
            send(scene(seq));
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1, 100);
        harness.close();

        open(settings(6, 0), checkpoint, true);
        List<Integer> sizes = new ArrayList<>();
        for (int seq = 8; seq < 13; seq++) {
            send(scene(seq));
            sizes.add(OutRecords.snapshots(drain()).get(0).getSlotsCount());
        }
        assertThat(sizes).containsExactly(4, 5, 6, 6, 6);
    }

    private static List<Slot> slots(List<SlotSummary> summaries) {
        return Snapshots.chapter(STREAM, new SealedChapter(0, 0, 0, summaries)).getSlotsList();
    }

    @Test
    void shouldDropAllStateAndTimersWhenTheStreamIsDeleted() throws Exception {
        open(new MemorySettings(BankConfig.frames(3), 500, 0.35, 10_000, 2_000), null, false);
        for (int seq = 0; seq < 6; seq++) {
            harness.setProcessingTime(seq * 100L);
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
        }
        send(TestFrames.frame("cam-2", 0, TestFrames.sceneValues("cam-2", 0), false));
        drain();
        assertThat(harness.numProcessingTimeTimers()).as(STREAM + "'s flush timer").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("both streams' idle timers").isEqualTo(2);

        harness.processElement2(StreamControl.deleted(STREAM), 0);

        List<OutRecord> out = drain();
        assertThat(OutRecords.events(out))
                .singleElement()
                .satisfies(end -> assertThat(end.getKind()).isEqualTo(EventKind.END))
                .satisfies(end -> assertThat(end.getSeq()).isEqualTo(5));
        assertThat(OutRecords.memoryTombstones(out)).containsExactly(STREAM);
        // 6 frames of 500 ms in chapters of 2 s: chapter 0 was sealed, chapter 1 is live.
        assertThat(OutRecords.chapterTombstones(out)).containsExactly(STREAM + "/0");
        assertThat(harness.numProcessingTimeTimers()).as("only the deletion's forget timer").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("cam-2's idle timer").isEqualTo(1);

        harness.processElement2(StreamControl.deleted("cam-2"), 0);
        assertThat(OutRecords.memoryTombstones(drain())).containsExactly("cam-2");
        assertThat(harness.numKeyedStateEntries()).as("each deletion, remembered").isEqualTo(2);
        assertThat(harness.numProcessingTimeTimers()).as("each deletion's forget timer").isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();

        harness.setProcessingTime(60_000);
        watermark(Long.MAX_VALUE);
        assertThat(drain()).as("no timer of a deleted stream fires").isEmpty();

        harness.setProcessingTime(60_000 + IncarnationRules.FORGET_AFTER.toMillis());
        assertThat(drain()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).as("forgotten once lw.embeddings cannot hold them").isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void shouldRememberTheDeletionOfAStreamWithoutStateForADayAndPublishNothing() throws Exception {
        open(settings(3, 0));
        harness.processElement2(StreamControl.deleted("never-seen"), 0);
        assertThat(drain()).isEmpty();
        harness.processElement1(TestFrames.axisFrame("never-seen", 0, 0), wallOf(0));
        assertThat(drain()).as("a frame without incarnation queued behind the deletion").isEmpty();

        harness.setProcessingTime(IncarnationRules.FORGET_AFTER.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    /** Frames of stream incarnation {@code incarnation} (its spec's created_ms). */
    private static EmbeddingEvent incarnationFrame(String streamId, long seq, long incarnation) {
        return TestFrames.withIncarnation(
                TestFrames.frame(streamId, seq, TestFrames.sceneValues(streamId, seq), false), incarnation);
    }

    @Test
    void shouldDropEmbeddingsOfADeletedStreamThatArriveAfterTheDeletion() throws Exception {
        open(settings(3, 0));
        harness.processElement2(StreamControl.created(STREAM, 1_000), 0);
        for (int seq = 0; seq < 4; seq++) {
            send(incarnationFrame(STREAM, seq, 1_000));
        }
        assertThat(OutRecords.snapshots(drain())).allSatisfy(s -> assertThat(s.getIncarnation()).isEqualTo(1_000));

        harness.processElement2(StreamControl.deleted(STREAM), 0);
        assertThat(OutRecords.memoryTombstones(drain())).containsExactly(STREAM);
        for (int seq = 4; seq < 8; seq++) {
            send(incarnationFrame(STREAM, seq, 1_000)); // queued on lw.embeddings behind the deletion
        }

        assertThat(drain()).as("no memory is rebuilt for the deleted stream").isEmpty();
    }

    @Test
    void shouldDropEmbeddingsOfADeletedStreamWhoseBankNeverStarted() throws Exception {
        open(settings(3, 0));
        harness.processElement2(StreamControl.created(STREAM, 1_000), 0);
        harness.processElement2(StreamControl.deleted(STREAM), 0);
        send(incarnationFrame(STREAM, 0, 1_000));

        assertThat(drain()).isEmpty();
    }

    @Test
    void shouldKeepEveryFrameOfAStreamCreatedAgainUnderTheSameId() throws Exception {
        open(settings(4, 0));
        harness.processElement2(StreamControl.created(STREAM, 1_000), 0);
        for (int seq = 0; seq < 10; seq++) {
            send(incarnationFrame(STREAM, seq, 1_000));
        }
        harness.processElement2(StreamControl.deleted(STREAM), 0);
        harness.processElement2(StreamControl.created(STREAM, 2_000), 0);
        drain();

        for (int seq = 0; seq < 6; seq++) {
            send(incarnationFrame(STREAM, seq, 1_000)); // late frames of the deleted one
            send(incarnationFrame(STREAM, seq, 2_000)); // the new stream counts from 0 again
        }

        List<OutRecord> out = drain();
        MemorySnapshot last = OutRecords.snapshots(out).get(OutRecords.snapshots(out).size() - 1);
        assertThat(last.getIncarnation()).isEqualTo(2_000);
        assertThat(last.getFramesSeen()).as("none of the new frames taken for duplicates").isEqualTo(6);
        assertThat(last.getLastSeq()).isEqualTo(5);
        assertThat(OutRecords.events(out).get(0).getKind()).isEqualTo(EventKind.START);
        assertThat(OutRecords.events(out)).allSatisfy(e -> assertThat(e.getIncarnation()).isEqualTo(2_000));
    }

    @Test
    void shouldEndTheBankOfAnOlderIncarnationWhenANewerOneShowsUp() throws Exception {
        open(settings(4, 0));
        for (int seq = 0; seq < 10; seq++) {
            send(incarnationFrame(STREAM, seq, 1_000));
        }
        drain();

        // The deletion was not seen (say, compacted away while the job was down): the first frame
        // of the newer incarnation ends the old bank, and the spec that follows changes nothing.
        send(incarnationFrame(STREAM, 0, 2_000));
        harness.processElement2(StreamControl.created(STREAM, 2_000), 0);

        List<OutRecord> out = drain();
        assertThat(OutRecords.events(out))
                .extracting(MemoryEvent::getKind, MemoryEvent::getIncarnation)
                .containsExactly(tuple(EventKind.END, 1_000L), tuple(EventKind.START, 2_000L));
        assertThat(OutRecords.memoryTombstones(out)).containsExactly(STREAM);
        assertThat(OutRecords.snapshots(out)).singleElement().satisfies(s -> {
            assertThat(s.getIncarnation()).isEqualTo(2_000);
            assertThat(s.getFramesSeen()).isEqualTo(1);
        });

        harness.processElement2(StreamControl.created(STREAM, 3_000), 0);
        assertThat(OutRecords.events(drain()))
                .as("a spec of a newer incarnation ends the bank too")
                .extracting(MemoryEvent::getKind)
                .containsExactly(EventKind.END);
    }

    @Test
    void shouldSealAChapterEveryChapterLengthAndKeepTheStateConstant() throws Exception {
        // 500 ms frames, chapters of 2 s: 4 frames per chapter.
        open(new MemorySettings(BankConfig.frames(3), 0, 0.35, 0, 2_000), null, false);
        int[] entriesAfterChapter = new int[3];
        for (int seq = 0; seq < 12; seq++) {
            send(TestFrames.frame(STREAM, seq, TestFrames.sceneValues(STREAM, seq), false));
            if (seq % 4 == 3) {
                entriesAfterChapter[seq / 4] = harness.numKeyedStateEntries();
            }
        }
        List<OutRecord> out = drain();
        List<Chapter> chapters = OutRecords.chapters(out);
        assertThat(chapters).extracting(Chapter::getIndex).containsExactly(0L, 1L);
        assertThat(chapters).extracting(Chapter::getStartMs).containsExactly(0L, 2_000L);
        assertThat(chapters).extracting(Chapter::getEndMs).containsExactly(2_000L, 4_000L);
        for (Chapter chapter : chapters) {
            assertThat(chapter.getStreamId()).isEqualTo(STREAM);
            assertThat(chapter.getSlotsList()).hasSize(3);
            assertThat(chapter.getSlotsList().stream().mapToLong(Slot::getFrameCount).sum())
                    .isEqualTo(4);
            assertThat(chapter.getSlots(0).getStartMs()).isEqualTo(chapter.getStartMs());
            assertThat(chapter.getSlots(2).getEndMs()).isLessThan(chapter.getEndMs());
        }
        assertThat(entriesAfterChapter[2]).isEqualTo(entriesAfterChapter[1]);
        assertThat(entriesAfterChapter[1]).isEqualTo(entriesAfterChapter[0]);

        MemorySnapshot last = OutRecords.snapshots(out).get(OutRecords.snapshots(out).size() - 1);
        assertThat(last.getFramesSeen()).as("frames over every chapter").isEqualTo(12);
        assertThat(last.getVersion()).isEqualTo(12);
        assertThat(last.getSlotsList()).extracting(Slot::getStartMs).first().isEqualTo(4_000L);
        assertThat(OutRecords.events(out))
                .extracting(MemoryEvent::getKind)
                .as("a new chapter is not a new stream")
                .containsOnlyOnce(EventKind.START);

        send(TestFrames.frame(STREAM, 7, TestFrames.sceneValues(STREAM, 7), false));
        assertThat(drain()).as("a replay from a sealed chapter is ignored").isEmpty();
    }
}
