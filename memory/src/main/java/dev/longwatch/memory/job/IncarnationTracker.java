package dev.longwatch.memory.job;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;

import java.io.IOException;

/**
 * The incarnation state of the memory operator ({@value MemoryStateSchema#INCARNATION}, since
 * state schema version 5) and its one timer: {@link MemoryBankFunction} asks it about every frame
 * and control record and does what {@link IncarnationRules} decide. Kept apart from the bank's
 * state because it outlives the bank: a deleted stream's record stays for {@link
 * IncarnationRules#FORGET_AFTER} after its bank is gone (a processing-time timer then clears it),
 * and a live stream's record stays while the stream exists, idle expiry of its bank included.
 */
final class IncarnationTracker {
    private final ValueState<StreamIncarnation> state;
    private final Counter dropped;

    IncarnationTracker(RuntimeContext context) {
        this.state =
                context.getState(
                        new ValueStateDescriptor<>(MemoryStateSchema.INCARNATION, StreamIncarnation.class));
        this.dropped = context.getMetricGroup().counter("staleIncarnationFramesDropped");
    }

    /** What to do with a frame of {@code incarnation}; a dropped frame is counted. */
    IncarnationRules.Verdict admit(long incarnation, boolean bankExists, TimerService timers) throws IOException {
        StreamIncarnation before = state.value();
        IncarnationRules.Step step = IncarnationRules.onFrame(before, incarnation, bankExists);
        store(before, step.next(), timers);
        if (step.verdict() == IncarnationRules.Verdict.DROP) {
            dropped.inc();
        }
        return step.verdict();
    }

    /** Applies a spec or deletion; true when the stream's bank must end now. */
    boolean onControl(StreamControl control, boolean bankExists, TimerService timers) throws IOException {
        StreamIncarnation before = state.value();
        IncarnationRules.ControlStep step =
                IncarnationRules.onControl(before, control, bankExists, timers.currentProcessingTime());
        store(before, step.next(), timers);
        return step.endBank();
    }

    /** A timer fired: clears a deleted stream's record when it is its forget timer. */
    void onTimer(long timestamp, TimeDomain domain) throws IOException {
        if (domain == TimeDomain.PROCESSING_TIME && IncarnationRules.forgets(state.value(), timestamp)) {
            // The deleted stream's record dies here: no embedding of it is left on lw.embeddings.
            state.clear();
        }
    }

    /** The incarnation of the stream's bank, for what the bank publishes (0 when unknown). */
    long bank() throws IOException {
        StreamIncarnation current = state.value();
        return current == null ? 0 : current.bank();
    }

    private void store(StreamIncarnation before, StreamIncarnation next, TimerService timers) throws IOException {
        if (next.equals(before)) {
            return;
        }
        if (next.current() == 0 && next.bank() == 0 && !next.deleted()) {
            // Only frames without incarnation so far: nothing to remember beyond the bank itself.
            if (before != null) {
                state.clear();
            }
            return;
        }
        long oldForget = before == null ? 0 : before.forgetAtMs();
        if (oldForget != 0 && oldForget != next.forgetAtMs()) {
            timers.deleteProcessingTimeTimer(oldForget);
        }
        if (next.forgetAtMs() != 0 && next.forgetAtMs() != oldForget) {
            timers.registerProcessingTimeTimer(next.forgetAtMs());
        }
        // Lives while the stream exists, and FORGET_AFTER past its deletion (onTimer).
        state.update(next);
    }
}
