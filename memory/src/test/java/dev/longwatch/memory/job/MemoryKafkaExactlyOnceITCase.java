package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.EventKind;
import dev.longwatch.schema.proto.MemoryEvent;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Exactly once end to end: {@link MemoryJob} with its real Kafka source and exactly-once Kafka sink
 * ({@link MemoryKafka}) against a real KRaft broker, on a MiniCluster at parallelism 2 with RocksDB.
 *
 * <p>Given four streams on two {@code lw.embeddings} partitions (one stream stops early, so its
 * END comes from the event-time idle timer; one has a gap, one a poison record), when the job has
 * checkpointed the first 40 frames of each stream, has processed and written the next 40 into its
 * open transactions, and then loses its TaskManager (a real {@code TaskExecutor} shut down, the
 * job restarted on a new one from the checkpoint, replaying the frames after it), then a
 * read_committed reader sees every snapshot, event, chapter and dead letter exactly once and
 * exactly as an uninterrupted run over the same input, while a read_uncommitted reader sees the
 * aborted first attempt too.
 *
 * <p>Checkpoints are triggered by the test, the periodic interval being longer than the test: the
 * fault then lands at a known point, after output that no checkpoint covers, instead of wherever a
 * short interval happens to put it. A checkpoint is a checkpoint either way: the sink pre-commits
 * on the barrier and commits when the checkpoint completes.
 */
class MemoryKafkaExactlyOnceITCase {
    private static final List<String> STREAMS = List.of("cam-a", "cam-b", "cam-c", "cam-d");
    private static final long FRAMES = 80;
    private static final long CHECKPOINTED = 40;

    /** cam-d stops here: its END is published when event time passes its last frame + 5 s. */
    private static final long SHORT_STREAM_FRAMES = 30;

    private static final long GAP_SEQ = 50; // on cam-b
    private static final long POISON_SEQ = 55; // on cam-c

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = MiniClusters.oneTaskManagerTwoSlots();

    @TempDir static Path kafkaDir;
    @TempDir Path checkpoints;

    private static EmbeddedKafka kafka;

    private final List<JobClient> jobs = new ArrayList<>();

    /** Capture wall clock of frame 0: near now, as a live source's (record timestamps follow). */
    private static final long WALL_START_MS = System.currentTimeMillis() / 1000 * 1000;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(kafkaDir, 1);
        TopicAdmin.createAll(
                kafka.bootstrapServers(),
                topic -> topic.name().equals(Topics.EMBEDDINGS.name()) ? 2 : 1,
                (short) 1);
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldPublishEveryResultOnceAfterTheTaskManagerIsLostMidStream(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // The faulty run: the input arrives in two parts, with a checkpoint in between.
        Map<TopicPartition, Long> faultyFrom = outputEndOffsets();
        produce(0, CHECKPOINTED);
        JobClient job = start("eo");
        await(() -> allStreamsAt(read("read_uncommitted", faultyFrom), CHECKPOINTED - 1),
                "the first part is processed");
        checkpoint(cluster, job.getJobID());
        await(() -> allStreamsAt(read("read_committed", faultyFrom), CHECKPOINTED - 1),
                "the checkpoint's transactions are committed");

        produce(CHECKPOINTED, FRAMES);
        await(() -> finished(read("read_uncommitted", faultyFrom), 1),
                "the second part is processed and written, uncommitted");
        KafkaOutputs committedBeforeTheFault = read("read_committed", faultyFrom);
        assertThat(committedBeforeTheFault.snapshots())
                .as("nothing of the second part is committed before the fault")
                .allSatisfy(s -> assertThat(s.getLastSeq()).isLessThan(CHECKPOINTED));

        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        await(() -> finished(read("read_uncommitted", faultyFrom), 2),
                "the job restarted from the checkpoint and replayed the second part");
        checkpoint(cluster, job.getJobID());
        await(() -> finished(read("read_committed", faultyFrom), 1),
                "the replay is committed");
        stop(job);
        KafkaOutputs committed = read("read_committed", faultyFrom);
        KafkaOutputs uncommitted = read("read_uncommitted", faultyFrom);

        // The reference: the same input, read from the start by a job that is never interrupted.
        Map<TopicPartition, Long> referenceFrom = outputEndOffsets();
        JobClient reference = start("reference");
        await(() -> finished(read("read_uncommitted", referenceFrom), 1),
                "the reference run processed everything");
        checkpoint(cluster, reference.getJobID());
        await(() -> finished(read("read_committed", referenceFrom), 1),
                "the reference run is committed");
        stop(reference);
        KafkaOutputs expected = read("read_committed", referenceFrom);
        assertThat(read("read_uncommitted", referenceFrom).snapshots())
                .as("the reference run has nothing aborted")
                .hasSameSizeAs(expected.snapshots());

        assertThat(KafkaOutputs.duplicates(committed.events(), KafkaOutputs::eventKey))
                .as("START, NOVELTY, GAP, END once each")
                .isEmpty();
        assertThat(KafkaOutputs.duplicates(committed.chapters(), KafkaOutputs::chapterKey))
                .isEmpty();
        assertThat(KafkaOutputs.duplicates(committed.snapshots(), KafkaOutputs::snapshotKey))
                .isEmpty();
        assertThat(committed.sortedEvents()).isEqualTo(expected.sortedEvents());
        assertThat(eventKinds(expected))
                .containsKeys(EventKind.START, EventKind.NOVELTY, EventKind.GAP, EventKind.END);
        assertThat(committed.sortedChapters()).isEqualTo(expected.sortedChapters()).hasSize(10);
        assertThat(committed.sortedSnapshots()).isEqualTo(expected.sortedSnapshots());
        assertThat(committed.finalBanks()).isEqualTo(expected.finalBanks()).hasSize(STREAMS.size());
        assertThat(committed.deadLetters())
                .singleElement()
                .satisfies(letter -> assertThat(letter.getOffset()).isNotNegative());
        assertThat(expected.deadLetters()).hasSize(1);

        // The aborted first attempt is in the log: without read_committed it would be seen twice.
        assertThat(KafkaOutputs.duplicates(uncommitted.events(), KafkaOutputs::eventKey))
                .as("events of the second part, written before the fault and again after it")
                .contains("cam-d END 29", "cam-b GAP " + GAP_SEQ);
        assertThat(KafkaOutputs.duplicates(uncommitted.snapshots(), KafkaOutputs::snapshotKey))
                .as("snapshots of the second part twice")
                .contains("cam-a 80", "cam-b 80");
        assertThat(KafkaOutputs.duplicates(uncommitted.chapters(), KafkaOutputs::chapterKey))
                .contains("cam-a/2");
        assertThat(uncommitted.deadLetters()).hasSize(2);
    }

    // --- the job ------------------------------------------------------------------------------

    /** Cancels what a failed test left running while the broker is still there. */
    @AfterEach
    void cancelJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!status(job).isGloballyTerminalState()) {
                stop(job);
            }
        }
    }

    private JobClient start(String name) throws Exception {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints.resolve(name).toUri().toString());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Longer than the test: the test triggers every checkpoint (see the class comment).
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);

        Configuration options = new Configuration();
        options.set(MemoryOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        options.set(MemoryOptions.KAFKA_GROUP_ID, "memory-" + name);
        options.set(MemoryOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "memory-" + name);
        options.set(MemoryOptions.BANK_SLOTS, 6);
        options.set(MemoryOptions.EMIT_INTERVAL, Duration.ZERO); // a snapshot per frame
        options.set(MemoryOptions.CHAPTER_LENGTH, Duration.ofSeconds(10)); // 20 frames
        options.set(MemoryOptions.IDLE_STATE_RETENTION, Duration.ofSeconds(5)); // 10 frames
        options.set(MemoryOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        // No idle partitions: both carry streams to the end. With idleness, the partition that
        // wakes up first after the pause between the two parts pushes the watermark 20 s of
        // frame time ahead while the other is still marked idle, and that one's streams expire
        // early in one run and not in another (see memory.time.source-idle-timeout).
        options.set(MemoryOptions.SOURCE_IDLE_TIMEOUT, Duration.ZERO);
        JobClient job = MemoryJob.start(env, options);
        jobs.add(job);
        return job;
    }

    /** Triggers a checkpoint and waits for it; retried while the job's tasks are not running. */
    private static void checkpoint(MiniCluster cluster, JobID job) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                cluster.triggerCheckpoint(job).get();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no checkpoint of " + job + " completes", e);
                }
                sleep();
            }
        }
    }

    private static void stop(JobClient job) throws Exception {
        job.cancel().get();
        await(() -> status(job) == JobStatus.CANCELED, "the job is cancelled");
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the job status", e);
        }
    }

    // --- the input ----------------------------------------------------------------------------

    /** Frames {@code [fromSeq, toSeq)} of every stream, as the encoder worker writes them. */
    private static void produce(long fromSeq, long toSeq) {
        KafkaInputs.produce(kafka.bootstrapServers(), STREAMS, fromSeq, toSeq,
                (stream, seq) -> stream.equals("cam-d") && seq >= SHORT_STREAM_FRAMES ? null : value(stream, seq));
    }

    private static byte[] value(String stream, long seq) {
        if (stream.equals("cam-c") && seq == POISON_SEQ) {
            return "not a frame embedding".getBytes(StandardCharsets.UTF_8);
        }
        EmbeddingEvent frame =
                TestFrames.frame(
                        stream,
                        seq,
                        TestFrames.sceneValues(stream, seq),
                        stream.equals("cam-b") && seq == GAP_SEQ,
                        WALL_START_MS);
        return TestFrames.proto(frame, DType.F16).toByteArray();
    }

    // --- the output ---------------------------------------------------------------------------

    private static Map<TopicPartition, Long> outputEndOffsets() {
        return KafkaOutputs.endOffsets(kafka.bootstrapServers());
    }

    private static KafkaOutputs read(String isolation, Map<TopicPartition, Long> from) {
        return KafkaOutputs.read(kafka.bootstrapServers(), isolation, from);
    }

    private static boolean allStreamsAt(KafkaOutputs out, long lastSeq) {
        return STREAMS.stream()
                .allMatch(
                        stream ->
                                out.snapshots().stream()
                                        .anyMatch(
                                                s ->
                                                        s.getStreamId().equals(stream)
                                                                && s.getLastSeq()
                                                                        == Math.min(
                                                                                lastSeq,
                                                                                lastSeqOf(
                                                                                        stream))));
    }

    /**
     * Whether every stream's last snapshot was written, those of the second part and cam-d's END
     * (which comes in the second part too) {@code times} times: the second part was processed that
     * many times.
     */
    private static boolean finished(KafkaOutputs out, int times) {
        for (String stream : STREAMS) {
            long last =
                    out.snapshots().stream()
                            .filter(
                                    s ->
                                            s.getStreamId().equals(stream)
                                                    && s.getLastSeq() == lastSeqOf(stream))
                            .count();
            if (last < (lastSeqOf(stream) < CHECKPOINTED ? 1 : times)) {
                return false;
            }
        }
        return out.events().stream().filter(e -> e.getKind() == EventKind.END).count() >= times;
    }

    private static long lastSeqOf(String stream) {
        return (stream.equals("cam-d") ? SHORT_STREAM_FRAMES : FRAMES) - 1;
    }

    private static Map<EventKind, Long> eventKinds(KafkaOutputs out) {
        return out.events().stream()
                .collect(Collectors.groupingBy(MemoryEvent::getKind, Collectors.counting()));
    }

    /** Waits for a condition of the running job; fails after two minutes (a hang, not a timing). */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
