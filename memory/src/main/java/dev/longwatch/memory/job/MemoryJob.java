package dev.longwatch.memory.job;

import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.memory.config.MemorySettings;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The memory job: embeddings in, one memory bank per stream, snapshots, chapters, events and dead
 * letters out; a stream deleted on {@code lw.streams} loses its state, and embeddings of a deleted
 * or replaced incarnation of a stream are dropped.
 *
 * <pre>
 * lw.embeddings → decode ─┬→ keyBy(stream) ─┐
 * lw.streams → specs and  ─┼→ keyBy(stream) ─┴ memory bank ─┬→ sink: lw.memory, lw.chapters,
 *              deletions   └→ dead letters ──────────────────┘        lw.events, lw.dlq
 * </pre>
 *
 * <p>Time: frames are ordered per stream by {@code seq} and placed by their media time ({@code
 * pts_ms}: spans, chapters). Event time is the capture wall clock {@code wall_ms}, with watermarks
 * per {@code lw.embeddings} partition (see {@link EventTime}); it drives idle expiry (END), so a
 * replay after recovery ends the same streams at the same frames. Only the snapshot rate limit is
 * processing time: it is about how often we publish, not about the footage.
 */
public final class MemoryJob {
    public static final String JOB_NAME = "longwatch-memory";

    /** Max parallelism of the job, fixed: it decides the key groups a savepoint is cut into. */
    public static final int MAX_PARALLELISM = 128;

    private final Source<RawKafkaRecord, ?, ?> source;
    private final Source<RawKafkaRecord, ?, ?> streams;
    private final Sink<OutRecord> sink;
    private final MemorySettings settings;
    private final Duration maxOutOfOrderness;
    private final Duration sourceIdleTimeout;

    /**
     * @param source raw {@code lw.embeddings} records; one split per partition keeps each stream in
     *     order
     * @param streams raw {@code lw.streams} records (the control plane): tombstones delete streams
     * @param sink receives snapshots, chapters, events and dead letters, each naming its topic
     * @param options {@link MemoryOptions}
     */
    public MemoryJob(
            Source<RawKafkaRecord, ?, ?> source,
            Source<RawKafkaRecord, ?, ?> streams,
            Sink<OutRecord> sink,
            Configuration options) {
        this.source = Objects.requireNonNull(source, "source");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.settings = MemorySettings.from(options);
        this.maxOutOfOrderness = nonNegative(options, MemoryOptions.MAX_OUT_OF_ORDERNESS);
        this.sourceIdleTimeout = nonNegative(options, MemoryOptions.SOURCE_IDLE_TIMEOUT);
    }

    private static Duration nonNegative(Configuration options, ConfigOption<Duration> option) {
        Duration value = options.get(option);
        if (value.isNegative()) {
            throw new IllegalArgumentException(option.key() + " must not be negative");
        }
        return value;
    }

    /**
     * The job on Kafka: {@link MemoryKafka#source}, {@link MemoryKafka#streamsSource} and {@link
     * MemoryKafka#sink}.
     */
    public static MemoryJob fromKafka(Configuration options) {
        return new MemoryJob(
                MemoryKafka.source(options),
                MemoryKafka.streamsSource(options),
                MemoryKafka.sink(options),
                options);
    }

    /**
     * Adds the topology to {@code env}; run it with {@code env.execute} or {@code executeAsync}.
     */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<EmbeddingEvent> frames =
                env.fromSource(
                                source,
                                EventTime.embeddings(maxOutOfOrderness, sourceIdleTimeout),
                                "embeddings")
                        .uid("embeddings-source")
                        .name("embeddings")
                        .process(new EmbeddingDecoder())
                        .uid("decode-embeddings")
                        .name("decode embeddings");
        SingleOutputStreamOperator<StreamControl> control =
                env.fromSource(streams, EventTime.controlPlane(), "streams")
                        .uid("streams-source")
                        .name("streams")
                        .process(new StreamControlDecoder())
                        .uid("decode-streams")
                        .name("stream specs and deletions");
        DataStream<OutRecord> deadLetters =
                frames.getSideOutput(DeadLetters.TAG)
                        .union(control.getSideOutput(DeadLetters.TAG));
        frames.keyBy(EmbeddingEvent::streamId, Types.STRING)
                .connect(control.keyBy(StreamControl::streamId, Types.STRING))
                .process(new MemoryBankFunction(settings))
                .uid(MemoryStateSchema.OPERATOR_UID) // uid for this operator's state: the banks
                .name("memory bank")
                .setMaxParallelism(MAX_PARALLELISM)
                .union(deadLetters)
                .sinkTo(sink)
                .uid("kafka-out")
                .name("memory, events, dead letters");
    }

    /**
     * The Flink configuration of the all-in-one launcher's local cluster: RocksDB state (its
     * MANIFEST capped by {@link BoundedManifest} unless {@code options} name another options
     * factory), checkpoints under {@code checkpointDir} (kept on cancellation), Kryo disabled, plus {@code
     * options}. When a completed checkpoint exists there and {@code options} names no other
     * recovery path, the job resumes from the newest one (see {@link RetainedCheckpoints}).
     */
    public static Configuration localClusterConfiguration(
            Path checkpointDir, Configuration options) {
        Configuration conf = new Configuration(options);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        if (!options.contains(RocksDBOptions.OPTIONS_FACTORY)) {
            conf.set(RocksDBOptions.OPTIONS_FACTORY, BoundedManifest.class.getName());
        }
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpointDir.toAbsolutePath().toUri().toString());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                options.get(MemoryOptions.CHECKPOINT_INTERVAL));
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (!options.contains(StateRecoveryOptions.SAVEPOINT_PATH)) {
            RetainedCheckpoints.latest(checkpointDir)
                    .ifPresent(
                            path -> {
                                conf.set(
                                        StateRecoveryOptions.SAVEPOINT_PATH,
                                        path.toUri().toString());
                                // An operator removed since that checkpoint must not block the
                                // start.
                                conf.set(
                                        StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE,
                                        true);
                            });
        }
        return conf;
    }

    /**
     * Builds the Kafka-backed job on {@code env} and submits it without waiting. Checkpointing is
     * switched on from {@code options} when {@code env} has none: the exactly-once sink commits
     * only on checkpoints.
     */
    public static JobClient start(StreamExecutionEnvironment env, Configuration options)
            throws Exception {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(options.get(MemoryOptions.CHECKPOINT_INTERVAL).toMillis());
        }
        fromKafka(options).build(env);
        return env.executeAsync(JOB_NAME);
    }

    /** For a standalone cluster: {@code --memory.kafka.bootstrap-servers host:9092 ...}. */
    public static void main(String[] args) throws Exception {
        Configuration options = ParameterTool.fromArgs(args).getConfiguration();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(options);
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(options.get(MemoryOptions.CHECKPOINT_INTERVAL).toMillis());
        }
        fromKafka(options).build(env);
        env.execute(JOB_NAME);
    }
}
