package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.AppendOutcome;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.config.MemorySettings;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one memory bank per stream (the key). Each frame is appended to the bank; the operator
 * publishes events right away (START, GAP, NOVELTY) and a snapshot of the bank at most once per
 * emit interval, with a processing-time timer that publishes the last pending change.
 *
 * <p>The compression itself is {@link MemoryBank}; this class only loads state, calls it, stores
 * the result and decides what to publish. Frames with {@code seq <= lastSeq} are ignored: the
 * encoder worker is at-least-once, and ignoring them makes the bank idempotent under replays.
 */
public class MemoryBankFunction extends KeyedProcessFunction<String, EmbeddingEvent, OutRecord> {
    private final MemorySettings settings;

    /** The bank's index (order, counts, spans, cached similarities); small, rewritten per frame. */
    private transient ValueState<BankIndex> bankIndex;

    /** Slot id → slot tensor; one RocksDB entry per slot, so a frame touches only changed slots. */
    private transient MapState<Long, float[]> tensors;

    /** Slot id → token-mean descriptor (frame granularity), so a snapshot reads M small vectors. */
    private transient MapState<Long, float[]> descriptors;

    /** Version, encoder and publishing/idle bookkeeping. */
    private transient ValueState<StreamProgress> progress;

    private transient MemoryBank bank;
    private transient BankStorage storage;
    private transient Counter duplicates;
    private transient Counter refused;

    public MemoryBankFunction(MemorySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        bankIndex =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("bank-index", BankIndex.class));
        tensors =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "slot-tensors",
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        descriptors =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "slot-descriptors",
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        progress =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("progress", StreamProgress.class));
        bank = MemoryBank.create(settings.bank());
        storage =
                new BankStorage(new MapStateSlotStore(tensors), new MapStateSlotStore(descriptors));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateFramesIgnored");
        refused = getRuntimeContext().getMetricGroup().counter("framesDeadLettered");
    }

    @Override
    public void processElement(EmbeddingEvent event, Context ctx, Collector<OutRecord> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        BankIndex index = bankIndex.value();
        StreamProgress current = progress.value();
        if (index == null) {
            index = BankIndex.empty();
        }
        if (!index.isEmpty() && event.seq() <= index.lastSeq()) {
            duplicates.inc();
            return;
        }
        String refusal = refusal(index, current, event);
        if (refusal != null) {
            refused.inc();
            out.collect(DeadLetters.of(event, refusal, now));
            return;
        }

        AppendOutcome outcome = bank.append(index, event.toBankFrame(), storage);
        // The index and the slot maps (written inside append) live as long as the stream's bank:
        // until the idle retention clears them (onTimer), or for the job's lifetime when it is 0.
        bankIndex.update(outcome.index());
        publishEvents(event, outcome, out);

        StreamProgress next =
                (current == null ? StreamProgress.start(event.encoderId()) : current)
                        .changedAt(now);
        next = scheduleSnapshot(next, outcome.index(), ctx, out, now);
        if (settings.idleRetentionMs() > 0 && next.idleCheckMs() == 0) {
            long check = now + settings.idleRetentionMs();
            ctx.timerService().registerProcessingTimeTimer(check);
            next = next.idleCheckAt(check);
        }
        // Lives and dies with the bank state above.
        progress.update(next);
    }

    /** Why a new frame cannot join this stream's bank, or null when it can. */
    private static String refusal(BankIndex index, StreamProgress current, EmbeddingEvent event) {
        if (!index.accepts(event.tokens(), event.dim())) {
            return "shape mismatch: frame "
                    + event.seq()
                    + " is "
                    + event.tokens()
                    + "x"
                    + event.dim()
                    + " but the bank of stream "
                    + event.streamId()
                    + " holds "
                    + index.tokens()
                    + "x"
                    + index.dim();
        }
        if (current != null && !current.encoderId().equals(event.encoderId())) {
            return "encoder mismatch: frame "
                    + event.seq()
                    + " comes from '"
                    + event.encoderId()
                    + "' but the bank of stream "
                    + event.streamId()
                    + " holds embeddings of '"
                    + current.encoderId()
                    + "'";
        }
        return null;
    }

    private void publishEvents(
            EmbeddingEvent event, AppendOutcome outcome, Collector<OutRecord> out) {
        if (outcome.first()) {
            out.collect(OutRecord.event(event(event, EventKind.START, 0)));
            return;
        }
        if (event.gapBefore()) {
            out.collect(OutRecord.event(event(event, EventKind.GAP, 0)));
        }
        double novelty = 1 - outcome.similarityToPrevious();
        if (novelty > settings.noveltyThreshold()) {
            out.collect(OutRecord.event(event(event, EventKind.NOVELTY, novelty)));
        }
    }

    private static MemoryEvent event(EmbeddingEvent frame, EventKind kind, double score) {
        return MemoryEvent.newBuilder()
                .setStreamId(frame.streamId())
                .setPtsMs(frame.ptsMs())
                .setSeq(frame.seq())
                .setKind(kind)
                .setScore(score)
                .build();
    }

    /**
     * Publishes now when the stream has not published within the emit interval, else makes sure a
     * timer will publish the change when the interval is over (one timer at a time).
     */
    private StreamProgress scheduleSnapshot(
            StreamProgress next, BankIndex index, Context ctx, Collector<OutRecord> out, long now)
            throws Exception {
        if (next.pendingFlushMs() != 0) {
            return next; // the registered timer will publish this change too
        }
        long interval = settings.emitIntervalMs();
        if (interval == 0 || now - interval >= next.lastPublishedMs()) {
            out.collect(OutRecord.snapshot(snapshot(ctx.getCurrentKey(), index, next, now)));
            return next.publishedAt(now);
        }
        long flushAt = next.lastPublishedMs() + interval;
        ctx.timerService().registerProcessingTimeTimer(flushAt);
        return next.pendingUntil(flushAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutRecord> out)
            throws Exception {
        StreamProgress current = progress.value();
        if (current == null) {
            return; // the state was cleared after this timer was set
        }
        BankIndex index = bankIndex.value();
        if (current.pendingFlushMs() == timestamp) {
            out.collect(
                    OutRecord.snapshot(snapshot(ctx.getCurrentKey(), index, current, timestamp)));
            current = current.publishedAt(timestamp);
        }
        if (current.idleCheckMs() == timestamp) {
            long idleUntil = current.lastFrameMs() + settings.idleRetentionMs();
            if (timestamp >= idleUntil) {
                expire(index, current, ctx, out);
                return;
            }
            ctx.timerService().registerProcessingTimeTimer(idleUntil);
            current = current.idleCheckAt(idleUntil);
        }
        // Lives and dies with the bank state.
        progress.update(current);
    }

    /**
     * The stream sent nothing for the idle retention: publish any pending change and an END event,
     * then drop its state. A frame arriving later starts a new bank.
     */
    private void expire(
            BankIndex index, StreamProgress current, OnTimerContext ctx, Collector<OutRecord> out) {
        long now = ctx.timerService().currentProcessingTime();
        if (current.pendingFlushMs() != 0) {
            ctx.timerService().deleteProcessingTimeTimer(current.pendingFlushMs());
            out.collect(OutRecord.snapshot(snapshot(ctx.getCurrentKey(), index, current, now)));
        }
        long lastPts = index.isEmpty() ? 0 : index.lanes()[0].endMs()[index.size() - 1];
        out.collect(
                OutRecord.event(
                        MemoryEvent.newBuilder()
                                .setStreamId(ctx.getCurrentKey())
                                .setPtsMs(lastPts)
                                .setSeq(index.lastSeq())
                                .setKind(EventKind.END)
                                .build()));
        // The stream's state dies here: idle for the whole retention, its last snapshot published.
        bankIndex.clear();
        tensors.clear();
        descriptors.clear();
        progress.clear();
    }

    private dev.longwatch.schema.proto.MemorySnapshot snapshot(
            String streamId, BankIndex index, StreamProgress current, long now) {
        return Snapshots.of(
                streamId,
                index,
                bank.slots(index, storage),
                current,
                settings.bank().capacity(),
                now);
    }
}
