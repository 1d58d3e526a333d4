package dev.longwatch.memory.job;

import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.memory.config.MemorySettings;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The memory job: embeddings in, one memory bank per stream, snapshots, events and dead letters
 * out.
 *
 * <pre>
 * lw.embeddings → decode ─┬→ keyBy(stream) → memory bank ─┬→ sink: lw.memory, lw.events, lw.dlq
 *                         └→ dead letters ────────────────┘
 * </pre>
 */
public final class MemoryJob {
    public static final String JOB_NAME = "longwatch-memory";

    private final Source<RawKafkaRecord, ?, ?> source;
    private final Sink<OutRecord> sink;
    private final MemorySettings settings;

    /**
     * @param source raw {@code lw.embeddings} records; one split per partition keeps each stream in
     *     order
     * @param sink receives snapshots, events and dead letters, each naming its topic
     * @param options {@link MemoryOptions}
     */
    public MemoryJob(
            Source<RawKafkaRecord, ?, ?> source, Sink<OutRecord> sink, Configuration options) {
        this.source = Objects.requireNonNull(source, "source");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.settings = MemorySettings.from(options);
    }

    /** The job on Kafka: {@link MemoryKafka#source} and {@link MemoryKafka#sink}. */
    public static MemoryJob fromKafka(Configuration options) {
        return new MemoryJob(MemoryKafka.source(options), MemoryKafka.sink(options), options);
    }

    /**
     * Adds the topology to {@code env}; run it with {@code env.execute} or {@code executeAsync}.
     */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<EmbeddingEvent> frames =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "embeddings")
                        .uid("embeddings-source")
                        .name("embeddings")
                        .process(new EmbeddingDecoder())
                        .uid("decode-embeddings")
                        .name("decode embeddings");
        DataStream<OutRecord> deadLetters = frames.getSideOutput(DeadLetters.TAG);
        frames.keyBy(EmbeddingEvent::streamId, Types.STRING)
                .process(new MemoryBankFunction(settings))
                .uid("memory-bank") // uid for this operator's state: the banks
                .name("memory bank")
                .union(deadLetters)
                .sinkTo(sink)
                .uid("kafka-out")
                .name("memory, events, dead letters");
    }

    /**
     * The Flink configuration of the all-in-one launcher's local cluster: RocksDB state,
     * checkpoints under {@code checkpointDir} (kept on cancellation), Kryo disabled, plus {@code
     * options}. When a completed checkpoint exists there and {@code options} names no other
     * recovery path, the job resumes from the newest one (see {@link RetainedCheckpoints}).
     */
    public static Configuration localClusterConfiguration(
            Path checkpointDir, Configuration options) {
        Configuration conf = new Configuration(options);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
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
