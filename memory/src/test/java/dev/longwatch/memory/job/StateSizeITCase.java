package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.testing.SyntheticFootage;
import dev.longwatch.memory.config.MemorySettings;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.Chapter;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 3, item 4 on the real thing: the keyed state of one stream after 1 h and after 10 h of
 * footage, as {@link MemoryBankFunction} leaves it in {@link EmbeddedRocksDBStateBackend}
 * (non-incremental, timers in RocksDB so they are part of the state). {@code bench state}
 * ({@code StateGrowthBenchmark} in the bench module) models the same with in-memory stores.
 *
 * <p>Three snapshots at each point. In Flink 2.x a non-incremental RocksDB checkpoint is the
 * native format: a copy of every live SST file plus the MANIFEST, so its size also holds values
 * that compaction has not yet dropped and the MANIFEST's history of flushes and compactions. That
 * checkpoint is measured as it comes and once more after compacting the states (not the
 * timer queues: a few KB); the state itself, key by key, is what a canonical savepoint writes
 * (Flink's key/value full-snapshot format). The MANIFEST belongs to the RocksDB instance, not to a
 * stream, and grows with every flush and compaction until RocksDB rolls it over: at 1 GB by
 * default, which Flink does not change, so it grew from 0.2 to 2 MB over these ten hours. The
 * backend here is capped by {@link BoundedManifest} at {@link #MANIFEST_CAP} (the job's default is
 * 1 MB; a smaller cap rolls over within these ten hours), and the test holds it to that. The harness gives RocksDB a small memory budget, so memtables flush
 * far more often here than on a TaskManager.
 *
 * <p>The shape and footage are the benchmark's: 64 tokens × 256 dims, 1 frame/s, {@link
 * SyntheticFootage} scenes of 7 frames plus noise, 20 slots, chapters of 600 s. Each frame gets the
 * processing time of its arrival at 1 fps, so with the default 500 ms emit interval every frame
 * publishes its snapshot (no flush timer left pending), and a watermark 5 s behind it (the default
 * out-of-orderness), so the 60 s idle timer fires and is moved on as in the job.
 */
class StateSizeITCase {
    private static final String STREAM = "cam-1";
    private static final int TOKENS = 64;
    private static final int DIM = 256;
    private static final int SLOTS = 20;
    private static final int SCENE_FRAMES = 7; // as StateGrowthBenchmark
    private static final long FRAME_MS = 1_000; // 1 frame/s
    private static final long CHAPTER_MS = 600_000;
    private static final long IDLE_RETENTION_MS = 60_000;
    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    private static final MemorySize MANIFEST_CAP = MemorySize.parse("256kb");
    private static final long WALL_START_MS = 1_764_633_600_000L; // 2025-12-02T00:00Z
    private static final int MAX_PARALLELISM = 128; // MemoryJob's: it sets the key-group prefix

    /** Bank index, progress, chapter cursor and the idle timer, next to 3·M slot entries. */
    private static final int ENTRIES_BESIDES_SLOTS = 4;

    private static final List<String> STATES =
            List.of(
                    MemoryStateSchema.BANK_INDEX,
                    MemoryStateSchema.SLOT_HALVES,
                    MemoryStateSchema.SLOT_NORMS,
                    MemoryStateSchema.SLOT_TENSORS,
                    MemoryStateSchema.SLOT_DESCRIPTORS,
                    MemoryStateSchema.PROGRESS,
                    MemoryStateSchema.CHAPTER);

    @TempDir Path tempDir;

    /**
     * What was measured after {@code frames} frames.
     *
     * @param savepointBytes the canonical savepoint's keyed state: every entry's key and value
     * @param entries RocksDB entries over every column family (the states and the timers)
     * @param checkpoint the non-incremental checkpoint as it comes
     * @param compacted the same after compacting every state
     */
    private record Measure(
            long frames,
            long savepointBytes,
            int entries,
            NativeFiles checkpoint,
            NativeFiles compacted,
            long chapters,
            long chapterBytes) {}

    /** A native checkpoint's bytes: all of it, its SST files, its MANIFEST. */
    private record NativeFiles(long total, long sst, long manifest) {
        static NativeFiles of(OperatorSubtaskState snapshot) {
            IncrementalRemoteKeyedStateHandle handle =
                    (IncrementalRemoteKeyedStateHandle)
                            single(snapshot.getManagedKeyedState().asList());
            assertThat(handle.getSharedState()).as("a full checkpoint shares nothing").isEmpty();
            long sst = 0;
            long manifest = 0;
            for (HandleAndLocalPath file : handle.getPrivateState()) {
                if (file.getLocalPath().endsWith(".sst")) {
                    sst += file.getStateSize();
                } else if (file.getLocalPath().startsWith("MANIFEST")) {
                    manifest += file.getStateSize();
                }
            }
            return new NativeFiles(handle.getStateSize(), sst, manifest);
        }
    }

    @Test
    void shouldKeepTheRocksDbStateOfAStreamConstantFromOneHourOfFootageToTen() throws Exception {
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(false);
        rocksDb.setDbStoragePath(Files.createDirectory(tempDir.resolve("rocksdb")).toString());
        rocksDb.setPriorityQueueStateType(PriorityQueueStateType.ROCKSDB);
        rocksDb.setRocksDBOptions(new BoundedManifest(MANIFEST_CAP));
        MemorySettings settings =
                new MemorySettings(
                        BankConfig.frames(SLOTS), 500, 0.35, IDLE_RETENTION_MS, CHAPTER_MS);

        KeyedTwoInputStreamOperatorTestHarness<String, EmbeddingEvent, StreamControl, OutRecord>
                harness =
                        new KeyedTwoInputStreamOperatorTestHarness<>(
                                new KeyedCoProcessOperator<>(new MemoryBankFunction(settings)),
                                EmbeddingEvent::streamId,
                                StreamControl::streamId,
                                Types.STRING,
                                MAX_PARALLELISM,
                                1,
                                0);
        Measure oneHour;
        Measure tenHours;
        long started = System.nanoTime();
        try {
            ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig())
                    .setGenericTypes(false);
            harness.setStateBackend(rocksDb);
            harness.setCheckpointStorage(
                    new FileSystemCheckpointStorage(
                            Files.createDirectory(tempDir.resolve("checkpoints")).toUri()));
            harness.setProcessingTime(0);
            harness.open();
            harness.processWatermarkStatus2(WatermarkStatus.IDLE); // as the job's control input

            Feed feed = new Feed(harness);
            feed.until(3_600);
            oneHour = feed.measure();
            feed.until(36_000);
            tenHours = feed.measure();
        } finally {
            // Where RocksDB unpacks its native library; the harness leaves it in java.io.tmpdir.
            File workingDir =
                    harness.getEnvironment().getTaskManagerInfo().getTmpWorkingDirectory();
            harness.close(); // RocksDB goes before JUnit deletes tempDir
            FileUtils.deleteDirectory(workingDir);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000;

        for (Measure m : List.of(oneHour, tenHours)) {
            System.out.printf(
                    "StateSizeITCase %2.0f h (%d frames): canonical savepoint %d bytes, %d RocksDB"
                            + " entries; native checkpoint %d bytes (SST %d, MANIFEST %d), after"
                            + " compaction %d (SST %d, MANIFEST %d); %d chapters, %d bytes on %s%n",
                    m.frames() * FRAME_MS / 3_600_000.0,
                    m.frames(),
                    m.savepointBytes(),
                    m.entries(),
                    m.checkpoint().total(),
                    m.checkpoint().sst(),
                    m.checkpoint().manifest(),
                    m.compacted().total(),
                    m.compacted().sst(),
                    m.compacted().manifest(),
                    m.chapters(),
                    m.chapterBytes(),
                    Topics.CHAPTERS.name());
        }
        System.out.printf(
                "StateSizeITCase 10 h / 1 h: savepoint %.4f, compacted SST %.4f, chapters %.2f;"
                        + " %d s for 36000 frames and 6 snapshots%n",
                (double) tenHours.savepointBytes() / oneHour.savepointBytes(),
                (double) tenHours.compacted().sst() / oneHour.compacted().sst(),
                (double) tenHours.chapterBytes() / oneHour.chapterBytes(),
                seconds);

        // The state: one bank of M slots however long the footage.
        // Binary16 slots (state schema version 5): about half of the F32 slots' 1 310 720 bytes.
        long halfSlots = (long) SLOTS * TOKENS * DIM * 2;
        assertThat(oneHour.savepointBytes())
                .as("the 20 slot tensors alone are 20 × 64 × 256 halves")
                .isGreaterThan(halfSlots)
                .as("slots with their norms and descriptors, bank index, progress, cursor")
                .isLessThan(halfSlots + halfSlots / 10);
        assertThat((double) tenHours.savepointBytes())
                .as("canonical savepoint bytes at 10 h against 1 h")
                .isCloseTo(oneHour.savepointBytes(), within(0.02 * oneHour.savepointBytes()));
        assertThat(tenHours.entries()).isEqualTo(oneHour.entries());
        // Tensor, norms and descriptor per slot.
        assertThat(oneHour.entries()).isBetween(3 * SLOTS, 3 * SLOTS + ENTRIES_BESIDES_SLOTS);
        // RocksDB's own files hold the same once compaction has dropped overwritten values.
        assertThat((double) tenHours.compacted().sst())
                .as("compacted SST bytes at 10 h against 1 h")
                .isCloseTo(oneHour.compacted().sst(), within(0.02 * oneHour.compacted().sst()));

        // The output: what grows with the footage, so the measure above can tell growth apart.
        assertThat(oneHour.chapters()).isEqualTo(5);
        assertThat(tenHours.chapters()).isEqualTo(59);
        // Without the cap the MANIFEST reached 1.8-2.0 MB by 10 h; RocksDB rolls over once past it.
        for (Measure m : List.of(oneHour, tenHours)) {
            assertThat(m.checkpoint().manifest()).as("MANIFEST bytes").isLessThanOrEqualTo(2 * MANIFEST_CAP.getBytes());
        }
        assertThat(tenHours.chapterBytes()).isGreaterThan(10 * oneHour.chapterBytes());
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** One stream's frames through the harness; the output is drained as it comes. */
    private static final class Feed {
        private final KeyedTwoInputStreamOperatorTestHarness<
                        String, EmbeddingEvent, StreamControl, OutRecord>
                harness;
        private final SyntheticFootage footage = new SyntheticFootage(TOKENS * DIM, SCENE_FRAMES);
        private long seq;
        private long chapters;
        private long chapterBytes;
        private long snapshotId;

        Feed(
                KeyedTwoInputStreamOperatorTestHarness<
                                String, EmbeddingEvent, StreamControl, OutRecord>
                        harness) {
            this.harness = harness;
        }

        void until(long frames) throws Exception {
            for (; seq < frames; seq++) {
                long ptsMs = seq * FRAME_MS;
                long wallMs = WALL_START_MS + ptsMs;
                harness.setProcessingTime(ptsMs);
                EmbeddingEvent frame =
                        new EmbeddingEvent(
                                STREAM,
                                seq,
                                ptsMs,
                                wallMs,
                                TestFrames.ENCODER,
                                TOKENS,
                                DIM,
                                footage.frame(seq),
                                false);
                harness.processElement1(frame, wallMs);
                harness.processWatermark1(new Watermark(wallMs - OUT_OF_ORDERNESS_MS));
                drain();
            }
        }

        /** Ten hours of snapshots would not fit in memory: keep only what the test counts. */
        private void drain() {
            for (OutRecord record : harness.extractOutputValues()) {
                if (record.topic().equals(Topics.CHAPTERS.name()) && record.value() != null) {
                    Chapter chapter = OutRecords.chapters(List.of(record)).get(0);
                    assertThat(chapter.getIndex()).isEqualTo(chapters);
                    assertThat(chapter.getSlotsCount()).isEqualTo(SLOTS);
                    chapters++;
                    chapterBytes += record.value().length;
                }
            }
            harness.getOutput().clear();
        }

        Measure measure() throws Exception {
            long now = WALL_START_MS + seq * FRAME_MS;
            OperatorSubtaskState checkpoint = harness.snapshot(++snapshotId, now);
            OperatorSubtaskState savepoint =
                    harness.snapshotWithLocalState(
                                    ++snapshotId,
                                    now,
                                    SavepointType.savepoint(SavepointFormatType.CANONICAL))
                            .getJobManagerOwnedState();
            KeyedStateHandle keyValues = single(savepoint.getManagedKeyedState().asList());
            assertThat(keyValues).isInstanceOf(KeyGroupsSavepointStateHandle.class);
            assertThat(savepoint.getRawKeyedState()).as("timers are in RocksDB").isEmpty();

            RocksDBKeyedStateBackend<?> backend =
                    (RocksDBKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend();
            int entries = backend.numKeyValueStateEntries();
            for (String state : STATES) {
                // compactState finds the column family by the descriptor's name alone.
                backend.compactState(new ValueStateDescriptor<>(state, Types.LONG));
            }
            OperatorSubtaskState compacted = harness.snapshot(++snapshotId, now);

            Measure measure =
                    new Measure(
                            seq,
                            keyValues.getStateSize(),
                            entries,
                            NativeFiles.of(checkpoint),
                            NativeFiles.of(compacted),
                            chapters,
                            chapterBytes);
            checkpoint.discardState();
            savepoint.discardState();
            compacted.discardState();
            return measure;
        }
    }
}
