package dev.longwatch.memory.job;

import java.time.Duration;

/**
 * Deleting a stream must outlive its bank: embeddings of the deleted stream still queued on
 * {@code lw.embeddings} behind the deletion must not build a new memory for it, and a stream
 * created again under the same id must start a fresh bank that keeps all its frames, although its
 * seqs start again at 0. Every frame carries its stream's incarnation (the spec's {@code
 * created_ms}); these rules decide, per stream id, from a {@link StreamIncarnation} (null when
 * nothing is known), what a frame, a spec or a deletion does. Free of Flink types; {@link
 * IncarnationTracker} keeps the state.
 *
 * <ul>
 *   <li>A frame of the current incarnation joins the bank; one of an older incarnation, or of a
 *       deleted one, is dropped.
 *   <li>A frame or spec of a newer incarnation ends the bank of the older one (as a deletion
 *       would: END, tombstones) before a new bank starts.
 *   <li>A frame with incarnation 0 (written before incarnations) joins whatever bank there is,
 *       unless the stream was deleted; a bank of such frames takes the first incarnation it sees.
 *   <li>A deletion remembers the deleted incarnation for {@link #FORGET_AFTER}, the retention of
 *       {@code lw.embeddings}: no embedding of it can arrive after that.
 * </ul>
 */
public final class IncarnationRules {
    /** How long a deletion is remembered: {@code lw.embeddings} keeps records for a day. */
    public static final Duration FORGET_AFTER = Duration.ofDays(1);

    private IncarnationRules() {}

    /** What to do with a frame. */
    public enum Verdict {
        /** It joins the bank (a new one when there is none). */
        APPLY,
        /** It belongs to a deleted or older incarnation. */
        DROP,
        /** It belongs to a newer incarnation: end the bank first, then apply it to a new one. */
        RESTART
    }

    /** A decision and the state after it. */
    public record Step(Verdict verdict, StreamIncarnation next) {}

    /**
     * A frame of {@code incarnation}; {@code bankExists} says whether the stream has a bank now
     * (it may have expired while idle).
     */
    public static Step onFrame(StreamIncarnation state, long incarnation, boolean bankExists) {
        if (state == null) {
            return new Step(Verdict.APPLY, new StreamIncarnation(incarnation, incarnation, false, 0));
        }
        if (state.deleted() && incarnation <= state.current()) {
            return new Step(Verdict.DROP, state); // 0 included: nothing of a deleted stream is kept
        }
        if (incarnation == 0) {
            return new Step(Verdict.APPLY, state);
        }
        if (incarnation < state.current()) {
            return new Step(Verdict.DROP, state);
        }
        StreamIncarnation next = new StreamIncarnation(incarnation, incarnation, false, 0);
        boolean olderBank = bankExists && state.bank() != 0 && state.bank() < incarnation;
        return new Step(olderBank ? Verdict.RESTART : Verdict.APPLY, next);
    }

    /** A decision on a control record and the state after it. */
    public record ControlStep(boolean endBank, StreamIncarnation next) {}

    /**
     * A spec or a tombstone of the stream, read at processing time {@code nowMs}; {@code
     * bankExists} as for {@link #onFrame}.
     */
    public static ControlStep onControl(StreamIncarnation state, StreamControl control, boolean bankExists, long nowMs) {
        if (control.deleted()) {
            long deletedUpTo = state == null ? 0 : Math.max(state.current(), state.bank());
            long bank = state == null ? 0 : state.bank();
            return new ControlStep(
                    bankExists, new StreamIncarnation(deletedUpTo, bank, true, nowMs + FORGET_AFTER.toMillis()));
        }
        long created = control.incarnation();
        if (state == null) {
            return new ControlStep(false, new StreamIncarnation(created, 0, false, 0));
        }
        if (created <= state.current()) {
            return new ControlStep(false, state); // a spec already known (or older): nothing changes
        }
        // A newer incarnation: whatever the bank holds of an older one ends (a bank of frames
        // without incarnation is not ended on a guess; it takes the new one with its next frame).
        boolean olderBank = bankExists && state.bank() != 0 && state.bank() < created;
        return new ControlStep(olderBank, new StreamIncarnation(created, olderBank ? 0 : state.bank(), false, 0));
    }

    /** Whether a processing-time timer at {@code timestampMs} forgets the deleted stream. */
    public static boolean forgets(StreamIncarnation state, long timestampMs) {
        return state != null && state.deleted() && state.forgetAtMs() == timestampMs;
    }
}
