package dev.longwatch.memory.job;

/**
 * The keyed state of the memory operator (uid {@value #OPERATOR_UID}), versioned. Flink finds state
 * in a savepoint by operator uid and state name, and reads each value with the serializer snapshot
 * stored next to it, so a change is compatible when it only adds a state, and breaks restores when
 * it renames or drops one, changes a key type, or reshapes a stored record (BankIndex, Lane,
 * StreamProgress, ChapterCursor are POJOs to Flink: adding a field is evolution, renaming or
 * retyping one is not). Bump {@link #VERSION} on every change, say here what changed, and commit a
 * savepoint of the new version (MemoryRecoveryITCase#writeCompatibilitySavepoint); the test
 * restores every committed version.
 *
 * <ol>
 *   <li>{@value #BANK_INDEX}, {@value #SLOT_TENSORS}, {@value #SLOT_DESCRIPTORS}, {@value
 *       #PROGRESS}: one bank per stream.
 *   <li>adds {@value #CHAPTER} (a {@code ChapterCursor}). A bank restored from version 1 has none;
 *       its chapter 0 starts at its first slot.
 *   <li>the same states and types; idle expiry moves to event time: {@code
 *       StreamProgress.lastFrameMs} is the newest frame's wall_ms (was the processing time it
 *       arrived, also epoch ms) and the idle timer is an event-time timer.
 *   <li>adds {@code StreamProgress.idleTimerInEventTime} (POJO evolution: false in older state), so
 *       the idle timer's domain is known rather than guessed from its timestamp. The idle timer of
 *       older state (processing time in version 2, event time in version 3) is replaced by an
 *       event-time timer on the stream's next frame, or when it fires.
 *   <li>slot tensors in binary16 with their norms, the layout {@code bench memory} measures: adds
 *       {@value #SLOT_HALVES} ({@link HalfArraySerializer}) and {@value #SLOT_NORMS}, and {@code
 *       StreamProgress.stateVersion} (POJO evolution: 0 in older state). A stream whose progress
 *       says an older version has its F32 {@value #SLOT_TENSORS} adopted into the new states
 *       (each value rounded once, norms, descriptors and cached similarities derived from what is
 *       stored, see {@code MemoryBank.adopt}) the first time its bank is used, and that state
 *       cleared; {@value #SLOT_TENSORS} stays declared for those streams.
 *   <li>adds {@value #INCARNATION} (a {@code StreamIncarnation}): which incarnation of the stream
 *       the bank holds and whether the stream was deleted, kept apart from the bank because it
 *       outlives it; a processing-time timer clears a deleted stream's entry a day later. State
 *       restored from version 5 or older has none: its bank takes the incarnation of its next frame.
 * </ol>
 *
 * <p>Not a schema change: a bank restored with more slots than {@code memory.bank.slots} is merged
 * down to it by the bank's own rule the first time it is used ({@code MemoryBank.fit}); one with
 * fewer grows into the new capacity.
 */
public final class MemoryStateSchema {
    public static final int VERSION = 6;

    public static final String OPERATOR_UID = "memory-bank";

    /** {@code ValueState<BankIndex>}: order, counts, spans, cached similarities. */
    public static final String BANK_INDEX = "bank-index";

    /**
     * {@code MapState<Long, float[]>}: slot id → F32 tensor, in state of version 4 and before
     * only; read once per stream to adopt it into {@link #SLOT_HALVES}, then cleared.
     */
    public static final String SLOT_TENSORS = "slot-tensors";

    /** {@code MapState<Long, short[]>}: slot id → binary16 tensor, one RocksDB entry per slot (v5). */
    public static final String SLOT_HALVES = "slot-halves";

    /** {@code MapState<Long, double[]>}: slot id → the L2 norm of each of its tokens (v5). */
    public static final String SLOT_NORMS = "slot-norms";

    /** The version that moved the slot tensors to {@link #SLOT_HALVES}. */
    static final int HALVES_SINCE = 5;

    /** {@code MapState<Long, float[]>}: slot id → token-mean descriptor. */
    public static final String SLOT_DESCRIPTORS = "slot-descriptors";

    /** {@code ValueState<StreamProgress>}: version, encoder, publishing and idle bookkeeping. */
    public static final String PROGRESS = "progress";

    /** {@code ValueState<ChapterCursor>}: first pts, chapter index, frames sealed before (v2). */
    public static final String CHAPTER = "chapter";

    /** {@code ValueState<StreamIncarnation>}: current and bank incarnation, deletion (v6). */
    public static final String INCARNATION = "incarnation";

    private MemoryStateSchema() {}
}
