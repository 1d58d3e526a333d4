package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Recovery of the memory job on a MiniCluster with RocksDB: a job stopped in the middle of its
 * streams (cancelled, failed, or stopped with a savepoint) and resumed from what it kept ends with
 * exactly the banks of a run that was never interrupted: same slots, counts, spans, keyframes and
 * descriptors, bit for bit, and the same sealed chapters.
 *
 * <p>Frames are 500 ms apart; with 10 s chapters each stream seals chapters 0-4 (the pause is in
 * chapter 2) and ends in chapter 5.
 */
class MemoryRecoveryITCase {
    /** No stream is deleted: a control source without records. */
    private static final SyntheticEmbeddingSource NO_DELETIONS =
            new SyntheticEmbeddingSource(List.of());

    private static final int CAPACITY = 6;
    private static final long FRAMES = 120;
    private static final long PAUSE_AT = 50;
    private static final Duration CHAPTER = Duration.ofSeconds(10);

    /**
     * Longer than the frame time a stream spans (60 s), so no bank expires mid-run even when a
     * reader reads one stream after another; at the end of the input the watermark jumps to the
     * end of time and every stream ends with one END event, restored or not.
     */
    private static final Duration IDLE_RETENTION = Duration.ofSeconds(120);

    /** The streams every run reads: one with a poison record, one with a gap, before the pause. */
    private static final List<SyntheticEmbeddingSource.StreamSplit> STREAMS =
            List.of(
                    new SyntheticEmbeddingSource.StreamSplit("cam-a", 0, FRAMES, -1, -1),
                    new SyntheticEmbeddingSource.StreamSplit("cam-b", 0, FRAMES, 17, -1),
                    new SyntheticEmbeddingSource.StreamSplit("cam-c", 0, FRAMES, -1, 30));

    /**
     * Savepoints of the job at {@link #PAUSE_AT}, one per {@link MemoryStateSchema#VERSION}, each
     * written by that version's code and committed (see {@link #writeCompatibilitySavepoint}).
     */
    static final String SAVEPOINTS = "/savepoints/memory-state-v";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @TempDir Path checkpoints;

    @BeforeEach
    void reset() {
        CollectingSink.RECORDS.clear();
        GatedFramesReader.Gate.reset();
    }

    @Test
    void shouldEndWithTheSameBanksAfterCancelAndRestoreFromTheRetainedCheckpoint()
            throws Exception {
        List<OutRecord> uninterrupted = uninterruptedRun(CHAPTER);
        assertThat(chapters(uninterrupted)).as("chapters 0-4 of three streams").hasSize(15);

        JobClient first = submit(gate(GatedFramesReader.Gate.Mode.HOLD), null, CHAPTER);
        awaitPausedWithACheckpoint();
        first.cancel().get();
        await(() -> status(first) == JobStatus.CANCELED, "the job is cancelled");
        Path retained =
                RetainedCheckpoints.latest(checkpoints)
                        .orElseThrow(() -> new AssertionError("no checkpoint retained"));
        List<OutRecord> beforeCancel = drainRecords();

        submit(null, retained, CHAPTER).getJobExecutionResult().get();
        List<OutRecord> afterRestore = drainRecords();

        assertThat(startEvents(afterRestore)).as("the banks were restored, not rebuilt").isEmpty();
        assertThat(finalBanks(afterRestore)).isEqualTo(finalBanks(uninterrupted));
        assertThat(endEvents(beforeCancel)).isEmpty();
        assertThat(endEvents(afterRestore)).isEqualTo(endEvents(uninterrupted));
        List<OutRecord> both = new ArrayList<>(beforeCancel);
        both.addAll(afterRestore);
        assertThat(chapters(both)).isEqualTo(chapters(uninterrupted));
    }

    @Test
    void shouldEndWithTheSameBanksAfterAFailureInTheMiddleOfTheStreams() throws Exception {
        List<OutRecord> uninterrupted = uninterruptedRun(CHAPTER);

        submit(gate(GatedFramesReader.Gate.Mode.FAIL_ONCE), null, CHAPTER)
                .getJobExecutionResult()
                .get();
        List<OutRecord> out = drainRecords();

        assertThat(GatedFramesReader.Gate.FAILED).as("the source failed once").isTrue();
        assertThat(finalBanks(out)).isEqualTo(finalBanks(uninterrupted));
        assertThat(endEvents(out)).isEqualTo(endEvents(uninterrupted));
        assertThat(chapters(out)).isEqualTo(chapters(uninterrupted));
    }

    /**
     * Version 1 had no chapters: its banks hold every frame so far, so the run goes on with
     * chapters off (a v1 bank restored with chapters on seals all it holds as its chapter 0).
     */
    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion1(@TempDir Path copy)
            throws Exception {
        List<OutRecord> uninterrupted = uninterruptedRun(Duration.ZERO);
        Path savepoint = copyResource(SAVEPOINTS + 1, copy.resolve("v1"));

        submit(null, savepoint, Duration.ZERO).getJobExecutionResult().get();
        List<OutRecord> out = drainRecords();

        assertThat(startEvents(out)).as("the banks came from the savepoint").isEmpty();
        assertBanksAsReplayed(out, uninterrupted, replayOfF32(Duration.ZERO));
    }

    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion2(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("2", copy);
    }

    /** Version 3: idle expiry in event time (the same states; see {@link MemoryStateSchema}). */
    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion3(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("3", copy);
    }

    /**
     * Version 4: the idle timer's domain is kept with it; its F32 slots are adopted into binary16
     * (see {@link MemoryStateSchema}).
     */
    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion4(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("4", copy);
    }

    /**
     * Version 2 state written with an idle retention (by that version's code, with this test's
     * options): its idle timers are processing-time timers
     * (long due when this runs), which move to event time when they fire, so every stream still
     * ends with one END when the input does.
     */
    @Test
    void shouldMoveTheProcessingTimeIdleTimersOfVersion2ToEventTime(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("2-idle-timers", copy);
    }

    private void restoreTheCommittedSavepointWithChapters(String version, Path copy)
            throws Exception {
        List<OutRecord> uninterrupted = uninterruptedRun(CHAPTER);
        Path savepoint = copyResource(SAVEPOINTS + version, copy.resolve("v" + version));

        submit(null, savepoint, CHAPTER).getJobExecutionResult().get();
        List<OutRecord> out = drainRecords();

        assertThat(startEvents(out)).as("the banks came from the savepoint").isEmpty();
        // Each bank publishes its frames' incarnation (before version 6 it takes it from the next frame).
        assertThat(finalBanks(out).values())
                .allSatisfy(bank -> assertThat(bank.getIncarnation()).isEqualTo(SyntheticEmbeddingSource.INCARNATION));
        assertThat(endEvents(out)).isEqualTo(endEvents(uninterrupted));
        Map<String, Chapter> sealedAfterThePause = chapters(out);
        assertThat(sealedAfterThePause.keySet())
                .containsExactlyInAnyOrder(
                        "cam-a/2", "cam-a/3", "cam-a/4", "cam-b/2", "cam-b/3", "cam-b/4", "cam-c/2",
                        "cam-c/3", "cam-c/4");
        if (Integer.parseInt(version.substring(0, 1)) < MemoryStateSchema.HALVES_SINCE) {
            // F32 slots until the pause, adopted into binary16 there.
            BankReplay replay = replayOfF32(CHAPTER);
            assertBanksAsReplayed(out, uninterrupted, replay);
            assertThat(sealedAfterThePause).isEqualTo(replay.chaptersAfterPause());
        } else {
            assertThat(finalBanks(out)).isEqualTo(finalBanks(uninterrupted));
            assertThat(chapters(uninterrupted)).containsAllEntriesOf(sealedAfterThePause);
        }
    }

    /** Version 5: slot tensors in binary16 with their norms (see {@link MemoryStateSchema}). */
    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion5(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("5", copy);
    }

    /**
     * Version 6: each stream's incarnation is kept apart from its bank; the restored banks go on
     * with frames of the incarnation they hold, and publish it.
     */
    @Test
    void shouldRestoreTheCommittedSavepointOfStateSchemaVersion6(@TempDir Path copy)
            throws Exception {
        restoreTheCommittedSavepointWithChapters("6", copy);
    }

    /**
     * A restart with a lower {@code memory.bank.slots} than the checkpoint's banks were kept with:
     * each bank is merged down by its own rule at its stream's first frame, and the job runs to the
     * end (a bank that threw would exhaust the restart strategy and fail the job).
     */
    @Test
    void shouldMergeTheRestoredBanksDownWhenRestartedWithFewerSlots() throws Exception {
        restartWithCapacity(CAPACITY - 2);
    }

    /** The same with a higher {@code memory.bank.slots}: the banks grow into it. */
    @Test
    void shouldGrowTheRestoredBanksWhenRestartedWithMoreSlots() throws Exception {
        restartWithCapacity(CAPACITY + 3);
    }

    private void restartWithCapacity(int capacity) throws Exception {
        List<OutRecord> uninterrupted = uninterruptedRun(CHAPTER);
        JobClient first = submit(gate(GatedFramesReader.Gate.Mode.HOLD), null, CHAPTER);
        awaitPausedWithACheckpoint();
        first.cancel().get();
        await(() -> status(first) == JobStatus.CANCELED, "the job is cancelled");
        Path retained =
                RetainedCheckpoints.latest(checkpoints)
                        .orElseThrow(() -> new AssertionError("no checkpoint retained"));
        List<OutRecord> beforeCancel = drainRecords();

        submit(null, retained, CHAPTER, capacity).getJobExecutionResult().get();
        List<OutRecord> afterRestore = drainRecords();

        BankReplay replay =
                BankReplay.of(
                        STREAMS,
                        PAUSE_AT,
                        StorageDtype.F16,
                        BankConfig.frames(CAPACITY),
                        BankConfig.frames(capacity),
                        CHAPTER.toMillis());
        assertThat(startEvents(afterRestore)).as("the banks were restored, not rebuilt").isEmpty();
        assertBanksAsReplayed(afterRestore, uninterrupted, replay);
        assertThat(finalBanks(afterRestore).values())
                .allSatisfy(bank -> assertThat(bank.getSlotsCount()).isEqualTo(capacity));
        assertThat(endEvents(afterRestore)).isEqualTo(endEvents(uninterrupted));
        Map<String, Chapter> sealed = chapters(afterRestore);
        sealed.keySet().removeAll(chapters(beforeCancel).keySet());
        assertThat(sealed).isEqualTo(replay.chaptersAfterPause());
    }

    /** The banks of a restore of F32 state (version 4 and before) at the pause. */
    private static BankReplay replayOfF32(Duration chapter) {
        return BankReplay.of(
                STREAMS,
                PAUSE_AT,
                StorageDtype.F32,
                BankConfig.frames(CAPACITY),
                BankConfig.frames(CAPACITY),
                chapter.toMillis());
    }

    /**
     * Each stream's final snapshot says what the uninterrupted run's says (version, frames seen,
     * last seq, encoder) and holds the slots the bank library makes of the same frames under the
     * restore's terms ({@link BankReplay}), bit for bit.
     */
    private static void assertBanksAsReplayed(
            List<OutRecord> out, List<OutRecord> uninterrupted, BankReplay replay) {
        Map<String, MemorySnapshot> restored = finalBanks(out);
        Map<String, MemorySnapshot> expected = finalBanks(uninterrupted);
        assertThat(restored.keySet()).isEqualTo(expected.keySet());
        for (String stream : restored.keySet()) {
            MemorySnapshot bank = restored.get(stream);
            assertThat(bank.toBuilder().clearSlots().clearCapacity().build())
                    .isEqualTo(expected.get(stream).toBuilder().clearSlots().clearCapacity().build());
            assertThat(bank.getSlotsList()).as(stream + "'s slots").isEqualTo(replay.slots().get(stream));
        }
    }

    /**
     * Writes the savepoint of the current {@link MemoryStateSchema#VERSION} into {@code
     * src/test/resources}: run once per state schema version, with that version's code ({@code mvn
     * verify -pl memory -Dit.test=MemoryRecoveryITCase -Dlongwatch.write-savepoint=true}), and
     * commit the directory.
     */
    @Test
    @EnabledIfSystemProperty(named = "longwatch.write-savepoint", matches = "true")
    void writeCompatibilitySavepoint(@TempDir Path savepoints) throws Exception {
        JobClient job = submit(gate(GatedFramesReader.Gate.Mode.HOLD), null, CHAPTER);
        await(this::allStreamsAtThePause, "every stream reaches the pause");
        String written =
                job.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
        Path target = Paths.get("src/test/resources" + SAVEPOINTS + MemoryStateSchema.VERSION);
        copyTree(Paths.get(java.net.URI.create(written)), target);
    }

    private List<OutRecord> uninterruptedRun(Duration chapter) throws Exception {
        submit(null, null, chapter).getJobExecutionResult().get();
        List<OutRecord> out = drainRecords();
        assertThat(finalBanks(out)).hasSize(STREAMS.size());
        assertThat(endEvents(out))
                .as("one END per stream, for its last frame")
                .extracting(MemoryEvent::getStreamId, MemoryEvent::getSeq)
                .containsExactly(
                        tuple("cam-a", FRAMES - 1),
                        tuple("cam-b", FRAMES - 1),
                        tuple("cam-c", FRAMES - 1));
        return out;
    }

    private static List<OutRecord> drainRecords() {
        List<OutRecord> out = new ArrayList<>(CollectingSink.RECORDS);
        CollectingSink.RECORDS.clear();
        return out;
    }

    private static GatedFramesReader.Gate gate(GatedFramesReader.Gate.Mode mode) {
        return new GatedFramesReader.Gate(PAUSE_AT, mode);
    }

    private JobClient submit(GatedFramesReader.Gate gate, Path restoreFrom, Duration chapter)
            throws Exception {
        return submit(gate, restoreFrom, chapter, CAPACITY);
    }

    private JobClient submit(
            GatedFramesReader.Gate gate, Path restoreFrom, Duration chapter, int capacity)
            throws Exception {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        if (restoreFrom != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);

        Configuration options = new Configuration();
        options.set(MemoryOptions.BANK_SLOTS, capacity);
        options.set(MemoryOptions.EMIT_INTERVAL, Duration.ZERO);
        options.set(MemoryOptions.IDLE_STATE_RETENTION, IDLE_RETENTION);
        options.set(MemoryOptions.CHAPTER_LENGTH, chapter);
        new MemoryJob(
                        new SyntheticEmbeddingSource(STREAMS, gate),
                        NO_DELETIONS,
                        new CollectingSink(),
                        options)
                .build(env);
        return env.executeAsync("memory-recovery-itcase");
    }

    private void awaitPausedWithACheckpoint() {
        await(this::allStreamsAtThePause, "every stream reaches the pause");
        await(
                () -> GatedFramesReader.Gate.CHECKPOINTS_WHILE_PAUSED.get() > 0,
                "a checkpoint completes while the sources are paused");
    }

    private boolean allStreamsAtThePause() {
        Map<String, MemorySnapshot> banks = finalBanks(new ArrayList<>(CollectingSink.RECORDS));
        return banks.size() == STREAMS.size()
                && banks.values().stream().allMatch(bank -> bank.getLastSeq() == PAUSE_AT - 1);
    }

    /** The newest snapshot of each stream, without its publishing time (processing time). */
    private static Map<String, MemorySnapshot> finalBanks(List<OutRecord> out) {
        Map<String, MemorySnapshot> banks = new TreeMap<>();
        for (MemorySnapshot snapshot : OutRecords.snapshots(out)) {
            MemorySnapshot bank = snapshot.toBuilder().clearUpdatedMs().build();
            banks.merge(
                    bank.getStreamId(), bank, (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
        }
        return banks;
    }

    /** Sealed chapters by key; a chapter sealed again after a replay must be the same. */
    private static Map<String, Chapter> chapters(List<OutRecord> out) {
        Map<String, Chapter> chapters = new TreeMap<>();
        for (Chapter chapter : OutRecords.chapters(out)) {
            String key = chapter.getStreamId() + "/" + chapter.getIndex();
            Chapter earlier = chapters.put(key, chapter);
            assertThat(earlier == null || earlier.equals(chapter))
                    .as("chapter " + key + " sealed twice the same")
                    .isTrue();
        }
        return chapters;
    }

    /** END events by stream (the order streams end in is the readers' business). */
    private static List<MemoryEvent> endEvents(List<OutRecord> out) {
        return OutRecords.events(out).stream()
                .filter(event -> event.getKind() == EventKind.END)
                .sorted(java.util.Comparator.comparing(MemoryEvent::getStreamId))
                .toList();
    }

    private static List<MemoryEvent> startEvents(List<OutRecord> out) {
        return OutRecords.events(out).stream()
                .filter(event -> event.getKind() == EventKind.START)
                .toList();
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the job status", e);
        }
    }

    /** Waits for a condition of the running job; fails after a minute (a hang, not a timing). */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    private static Path copyResource(String resource, Path target) throws Exception {
        java.net.URL url = MemoryRecoveryITCase.class.getResource(resource + "/_metadata");
        assertThat(url).as("savepoint resource " + resource).isNotNull();
        copyTree(Paths.get(url.toURI()).getParent(), target);
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(
                    file -> {
                        Path destination = to.resolve(from.relativize(file).toString());
                        try {
                            if (Files.isDirectory(file)) {
                                Files.createDirectories(destination);
                            } else {
                                Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }
}
