package dev.longwatch.memory.job;

import dev.longwatch.memory.bank.AppendOutcome;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.TensorStore;
import dev.longwatch.memory.chapter.ChapterCursor;
import dev.longwatch.memory.chapter.ChapteredBank;
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
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one memory bank per stream (the key). Each frame (input 1) is appended to the bank; the
 * operator publishes events right away (START, GAP, NOVELTY) and a snapshot of the bank at most
 * once per emit interval, with a processing-time timer that publishes the last pending change.
 * Every chapter of media time the bank is sealed to {@code lw.chapters} and starts afresh. A
 * deleted stream (input 2, from {@code lw.streams}) loses its bank state and timers; which frames
 * and specs belong to a deleted, the current or a newer incarnation of the stream is decided by
 * {@link IncarnationTracker}, and everything published carries the bank's incarnation.
 *
 * <p>Idle expiry is event time ({@link EventTime}: the frames' wall clock): a stream whose newest
 * frame is the idle retention behind the watermark publishes END and loses its state. A frame that
 * arrives the retention after the stream's newest one ends the old bank first, whether or not the
 * watermark got there before it, so a replay ends the same banks at the same frames. The snapshot
 * rate limit stays processing time: it is about how often we publish, not about the footage, and
 * a replay publishes the same final banks either way.
 *
 * <p>The compression itself is {@link MemoryBank} inside a {@link ChapteredBank}; this class only
 * loads state, calls it, stores the result and decides what to publish. Frames with {@code seq <=
 * lastSeq} are ignored: the encoder worker is at-least-once, and ignoring them makes the bank
 * idempotent under replays.
 *
 * <p>State schema: see {@link MemoryStateSchema}; a new state keeps old savepoints restorable.
 */
public class MemoryBankFunction
        extends KeyedCoProcessFunction<String, EmbeddingEvent, StreamControl, OutRecord> {
    private final MemorySettings settings;

    /** The bank's index (order, counts, spans, cached similarities); small, rewritten per frame. */
    private transient ValueState<BankIndex> bankIndex;

    /**
     * Slot id → slot tensor in binary16 (tokens × dim halves); one RocksDB entry per slot, so a
     * frame touches only the slots it changes.
     */
    private transient MapState<Long, short[]> halves;

    /** Slot id → the L2 norm of each token of the slot (tokens doubles), kept with its tensor. */
    private transient MapState<Long, double[]> norms;

    /**
     * Slot id → F32 tensor, as state schema version 4 and before kept them: read once per stream to
     * adopt the bank into {@link #halves}, then cleared (see {@link #upToDate}).
     */
    private transient MapState<Long, float[]> legacyTensors;

    /** Slot id → token-mean descriptor (frame granularity), so a snapshot reads M small vectors. */
    private transient MapState<Long, float[]> descriptors;

    /** Version, encoder and publishing/idle bookkeeping. */
    private transient ValueState<StreamProgress> progress;

    /** Where the stream is in its chapters (since state schema version 2). */
    private transient ValueState<ChapterCursor> chapter;

    /** The stream's incarnations (since state schema version 5); outlives the bank state above. */
    private transient IncarnationTracker incarnations;

    private transient ChapteredBank chapters;
    private transient MemoryBank bank;
    private transient BankStorage storage;
    private transient Counter duplicates;
    private transient Counter refused;
    private transient Counter late;

    public MemoryBankFunction(MemorySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        bankIndex =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        MemoryStateSchema.BANK_INDEX, BankIndex.class));
        halves =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        MemoryStateSchema.SLOT_HALVES,
                                        LongSerializer.INSTANCE,
                                        HalfArraySerializer.INSTANCE));
        norms =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        MemoryStateSchema.SLOT_NORMS,
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        legacyTensors =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        MemoryStateSchema.SLOT_TENSORS,
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        descriptors =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        MemoryStateSchema.SLOT_DESCRIPTORS,
                                        Types.LONG,
                                        PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        progress =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        MemoryStateSchema.PROGRESS, StreamProgress.class));
        chapter =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        MemoryStateSchema.CHAPTER, ChapterCursor.class));
        incarnations = new IncarnationTracker(getRuntimeContext());
        bank = MemoryBank.create(settings.bank());
        chapters = new ChapteredBank(bank, settings.chapters());
        // The layout bench memory measures: binary16 tensors, F32 descriptors, cached norms.
        storage =
                new BankStorage(
                        TensorStore.f16(new MapStateHalfSlotStore(halves)),
                        new MapStateSlotStore(descriptors),
                        new MapStateNormStore(norms));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateFramesIgnored");
        refused = getRuntimeContext().getMetricGroup().counter("framesDeadLettered");
        late = getRuntimeContext().getMetricGroup().counter("lateFrames");
    }

    @Override
    public void processElement1(EmbeddingEvent event, Context ctx, Collector<OutRecord> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        long bankIncarnation = incarnations.bank();
        IncarnationRules.Verdict verdict =
                incarnations.admit(event.incarnation(), bankIndex.value() != null, ctx.timerService());
        if (verdict == IncarnationRules.Verdict.DROP) {
            return; // of a deleted or replaced incarnation of the stream
        }
        if (verdict == IncarnationRules.Verdict.RESTART) {
            // The bank of the older incarnation ends as if it was deleted.
            endBank(ctx, out, bankIncarnation);
        }
        long frameMs = ctx.timestamp() != null ? ctx.timestamp() : event.wallMs();
        BankIndex index = bankIndex.value();
        StreamProgress current = progress.value();
        if (current != null) {
            Kept kept = upToDate(index, current);
            index = kept.index();
            current = kept.progress();
        }
        if (current != null && idleBefore(current, frameMs)) {
            // The stream was idle for the retention in event time before this frame: its bank
            // ends here even if the watermark has not fired the idle timer yet. Checked before
            // the seq dedupe, because a stream that comes back numbers its frames from 0 again
            // (and the watermark-first order would start a new bank with them); a replayed frame
            // is never a retention younger than the newest frame, so it cannot end a bank here.
            expire(index, current, ctx, out, now);
            index = null;
            current = null;
        }
        if (index != null && event.seq() <= index.lastSeq()) { // -1 before the first frame
            duplicates.inc();
            return;
        }
        if (frameMs < ctx.timerService().currentWatermark()) {
            late.inc(); // applied all the same: a dropped frame is worse than a late END
        }
        if (index == null) {
            index = BankIndex.empty();
        }
        String refusal = refusal(index, current, event);
        if (refusal != null) {
            refused.inc();
            out.collect(DeadLetters.of(event, refusal, now));
            return;
        }

        ChapteredBank.Step step =
                chapters.append(chapter.value(), index, event.toBankFrame(), storage);
        if (step.sealed() != null) {
            // The sealed bank's vectors are already gone from the slot maps (ChapteredBank).
            out.collect(
                    OutRecord.chapter(
                            Snapshots.chapter(event.streamId(), step.sealed(), incarnations.bank())));
        }
        AppendOutcome outcome = step.outcome();
        // The index, the cursor and the slot maps (written inside append) live as long as the
        // stream: until it is deleted (processElement2) or is idle for the retention in event time
        // (onTimer, or its next frame above); chapters keep their size constant meanwhile.
        bankIndex.update(outcome.index());
        chapter.update(step.cursor());
        publishEvents(event, outcome, current == null, out);

        StreamProgress next =
                (current == null ? StreamProgress.start(event.encoderId()) : current)
                        .changedBy(frameMs);
        next = scheduleSnapshot(next, outcome.index(), step.cursor(), ctx, out, now);
        if (settings.idleRetentionMs() > 0
                && (next.idleCheckMs() == 0 || !next.idleTimerInEventTime())) {
            // One idle timer per stream, moved on lazily when it fires (onTimer).
            next = armIdleTimer(next, ctx);
        }
        // Lives and dies with the bank state above.
        progress.update(next);
    }

    /**
     * Brings a stream's restored state to this version and these options before its bank is used,
     * and keeps the result: F32 tensors of state schema version 4 and before are adopted into the
     * binary16 states (then cleared), and a bank kept with more slots than {@code
     * memory.bank.slots} is merged down to it by its own rule (one kept with fewer grows into the
     * new capacity as frames come). Without this, every frame of such a stream would throw and
     * Flink would restart the job forever.
     *
     * @return the index and progress as stored now
     */
    private Kept upToDate(BankIndex index, StreamProgress current) throws Exception {
        if (index == null) {
            return new Kept(null, current);
        }
        BankIndex fitted = index;
        StreamProgress next = current;
        if (current.stateVersion() < MemoryStateSchema.HALVES_SINCE) {
            fitted = bank.adopt(fitted, TensorStore.f32(new MapStateSlotStore(legacyTensors)), storage);
            // The F32 copy dies here: every slot of the bank is in the binary16 states now.
            legacyTensors.clear();
            next = current.inVersion(MemoryStateSchema.VERSION);
        }
        fitted = bank.fit(fitted, storage);
        if (fitted != index) {
            // Lives as long as the stream, as every write of the index (processElement1).
            bankIndex.update(fitted);
        }
        if (next != current) {
            progress.update(next);
        }
        return new Kept(fitted, next);
    }

    /** A stream's bank index and progress as {@link #upToDate} left them. */
    private record Kept(BankIndex index, StreamProgress progress) {}

    /** Whether a stream's frames stopped for the idle retention before event time {@code ms}. */
    private boolean idleBefore(StreamProgress current, long ms) {
        return settings.idleRetentionMs() > 0
                && ms - current.lastFrameMs() >= settings.idleRetentionMs();
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
            EmbeddingEvent event,
            AppendOutcome outcome,
            boolean streamStarts,
            Collector<OutRecord> out)
            throws Exception {
        if (streamStarts) {
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

    private MemoryEvent event(EmbeddingEvent frame, EventKind kind, double score)
            throws Exception {
        return MemoryEvent.newBuilder()
                .setStreamId(frame.streamId())
                .setPtsMs(frame.ptsMs())
                .setSeq(frame.seq())
                .setKind(kind)
                .setScore(score)
                .setIncarnation(incarnations.bank())
                .build();
    }

    /**
     * Publishes now when the stream has not published within the emit interval, else makes sure a
     * timer will publish the change when the interval is over (one timer at a time).
     */
    private StreamProgress scheduleSnapshot(
            StreamProgress next,
            BankIndex index,
            ChapterCursor cursor,
            Context ctx,
            Collector<OutRecord> out,
            long now)
            throws Exception {
        if (next.pendingFlushMs() != 0) {
            return next; // the registered timer will publish this change too
        }
        long interval = settings.emitIntervalMs();
        if (interval == 0 || now - interval >= next.lastPublishedMs()) {
            out.collect(
                    OutRecord.snapshot(snapshot(ctx.getCurrentKey(), index, cursor, next, now)));
            return next.publishedAt(now);
        }
        long flushAt = next.lastPublishedMs() + interval;
        ctx.timerService().registerProcessingTimeTimer(flushAt);
        return next.pendingUntil(flushAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OutRecord> out)
            throws Exception {
        incarnations.onTimer(timestamp, ctx.timeDomain());
        StreamProgress current = progress.value();
        if (current == null) {
            return; // the state was cleared after this timer was set
        }
        Kept kept = upToDate(bankIndex.value(), current);
        BankIndex index = kept.index();
        current = kept.progress();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (current.pendingFlushMs() == timestamp) {
                out.collect(
                        OutRecord.snapshot(
                                snapshot(
                                        ctx.getCurrentKey(),
                                        index,
                                        chapter.value(),
                                        current,
                                        timestamp)));
                current = current.publishedAt(timestamp);
            }
            if (!current.idleTimerInEventTime() && current.idleCheckMs() == timestamp) {
                // The idle timer of schema version 2 state: it moves to event time.
                current =
                        settings.idleRetentionMs() > 0
                                ? armIdleTimer(current, ctx)
                                : current.idleCheckAt(0);
            }
        } else if (current.idleCheckMs() == timestamp) {
            if (settings.idleRetentionMs() == 0) {
                // Restored with the retention since switched off: the bank stays.
                current = current.idleCheckAt(0);
            } else if (idleBefore(current, timestamp)) {
                expire(index, current, ctx, out, ctx.timerService().currentProcessingTime());
                return;
            } else {
                // Frames came since the timer was set: check again when the newest is as old.
                current = armIdleTimer(current, ctx);
            }
        }
        // Lives and dies with the bank state.
        progress.update(current);
    }

    /**
     * Registers the event-time idle timer for the stream's newest frame plus the retention, after
     * deleting an idle timer of older state (schema version 2: processing time; version 3: event
     * time, but not marked as such).
     */
    private StreamProgress armIdleTimer(StreamProgress current, Context ctx) {
        if (!current.idleTimerInEventTime() && current.idleCheckMs() != 0) {
            ctx.timerService().deleteProcessingTimeTimer(current.idleCheckMs());
            ctx.timerService().deleteEventTimeTimer(current.idleCheckMs());
        }
        long check = current.lastFrameMs() + settings.idleRetentionMs();
        ctx.timerService().registerEventTimeTimer(check);
        return current.idleCheckAt(check);
    }

    /**
     * The stream sent nothing for the idle retention (event time): publish any pending change and
     * an END event, then drop its state and timers. A frame arriving later starts a new bank.
     */
    private void expire(
            BankIndex index,
            StreamProgress current,
            Context ctx,
            Collector<OutRecord> out,
            long now)
            throws Exception {
        if (current.pendingFlushMs() != 0) {
            out.collect(
                    OutRecord.snapshot(
                            snapshot(ctx.getCurrentKey(), index, chapter.value(), current, now)));
        }
        out.collect(endEvent(ctx.getCurrentKey(), index, incarnations.bank()));
        deleteTimers(current, ctx);
        // The stream's state dies here: idle for the whole retention, its last snapshot published.
        clearState();
    }

    /** The flush and the idle timer; deleting a timer that has fired is a no-op. */
    private static void deleteTimers(StreamProgress current, Context ctx) {
        if (current.pendingFlushMs() != 0) {
            ctx.timerService().deleteProcessingTimeTimer(current.pendingFlushMs());
        }
        if (current.idleCheckMs() != 0) {
            ctx.timerService().deleteEventTimeTimer(current.idleCheckMs());
            if (!current.idleTimerInEventTime()) {
                ctx.timerService().deleteProcessingTimeTimer(current.idleCheckMs());
            }
        }
    }

    /**
     * A spec or a deletion on {@code lw.streams}. A deletion, or a spec of a newer incarnation,
     * ends the stream's bank ({@link #endBank}); frames of the deleted incarnation still in flight
     * are dropped afterwards ({@link IncarnationTracker}).
     */
    @Override
    public void processElement2(StreamControl control, Context ctx, Collector<OutRecord> out)
            throws Exception {
        long bankIncarnation = incarnations.bank();
        if (incarnations.onControl(control, bankIndex.value() != null, ctx.timerService())) {
            endBank(ctx, out, bankIncarnation);
        }
    }

    /**
     * The stream's bank ends: its timers and state go, with an END event and tombstones for its
     * {@code lw.memory} entry and its sealed chapters.
     */
    private void endBank(Context ctx, Collector<OutRecord> out, long incarnation) throws Exception {
        StreamProgress current = progress.value();
        BankIndex index = bankIndex.value();
        if (current == null || index == null) {
            return; // nothing kept for this stream
        }
        deleteTimers(current, ctx);
        String streamId = ctx.getCurrentKey();
        out.collect(endEvent(streamId, index, incarnation));
        out.collect(OutRecord.memoryTombstone(streamId));
        ChapterCursor cursor = chapter.value();
        for (long sealed = 0; cursor != null && sealed < cursor.index(); sealed++) {
            out.collect(OutRecord.chapterTombstone(streamId, sealed));
        }
        // The bank's state dies here: the stream was deleted or created again.
        clearState();
    }

    private static OutRecord endEvent(String streamId, BankIndex index, long incarnation) {
        long lastPts = index.isEmpty() ? 0 : index.lanes()[0].endMs()[index.size() - 1];
        return OutRecord.event(
                MemoryEvent.newBuilder()
                        .setStreamId(streamId)
                        .setPtsMs(lastPts)
                        .setSeq(index.lastSeq())
                        .setKind(EventKind.END)
                        .setIncarnation(incarnation)
                        .build());
    }

    /** Every state of the current stream (see {@link MemoryStateSchema}). */
    private void clearState() {
        bankIndex.clear();
        halves.clear();
        norms.clear();
        legacyTensors.clear();
        descriptors.clear();
        progress.clear();
        chapter.clear();
    }

    private dev.longwatch.schema.proto.MemorySnapshot snapshot(
            String streamId,
            BankIndex index,
            ChapterCursor cursor,
            StreamProgress current,
            long now)
            throws Exception {
        return Snapshots.of(
                streamId,
                index,
                ChapteredBank.framesSeen(cursor, index),
                bank.slots(index, storage),
                current,
                settings.bank().capacity(),
                now,
                incarnations.bank());
    }
}
