package dev.longwatch.memory.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.chapter.ChapterPolicy;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/** Every option of the memory job, with its default and what it does. */
public final class MemoryOptions {

    public static final ConfigOption<Integer> BANK_SLOTS =
            key("memory.bank.slots")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "M, the capacity of each stream's memory bank: after every frame the"
                                    + " bank holds at most this many slots.");

    public static final ConfigOption<Granularity> BANK_GRANULARITY =
            key("memory.bank.granularity")
                    .enumType(Granularity.class)
                    .defaultValue(Granularity.FRAME)
                    .withDescription(
                            "FRAME merges whole frames (each slot is one time span); TOKEN is"
                                    + " MA-LMM exactly, each token position merging on its own.");

    public static final ConfigOption<Boolean> ALLOW_MERGE_ACROSS_GAPS =
            key("memory.bank.allow-merge-across-gaps")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether a frame after a source gap may merge with the frame before the"
                                    + " gap. When false it does so only if every adjacent pair"
                                    + " straddles a gap.");

    public static final ConfigOption<Duration> EMIT_INTERVAL =
            key("memory.snapshot.emit-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "At most one memory snapshot per stream per this much processing time;"
                                + " the last change is always published when it ends. 0 publishes"
                                + " after every frame.");

    public static final ConfigOption<Double> NOVELTY_THRESHOLD =
            key("memory.events.novelty-threshold")
                    .doubleType()
                    .defaultValue(0.35)
                    .withDescription(
                            "A NOVELTY event is published when 1 - (similarity of a new frame to"
                                    + " the bank's previous last slot) exceeds this.");

    public static final ConfigOption<MemorySize> MAX_MANIFEST_SIZE =
            key("memory.state.max-manifest-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1mb"))
                    .withDescription(
                            "Size at which RocksDB starts a new MANIFEST (its log of flushes and"
                                + " compactions, copied whole into every checkpoint), when"
                                + " state.backend.rocksdb.options-factory is"
                                + " dev.longwatch.memory.job.BoundedManifest. RocksDB's own"
                                + " default is 1 GB.");

    public static final ConfigOption<Duration> IDLE_STATE_RETENTION =
            key("memory.state.idle-retention")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Drop a stream's bank after this much event time (frame wall_ms)"
                                + " without frames, publishing an END event: when the watermark"
                                + " passes, or when the stream's next frame is this much younger."
                                + " 0 keeps banks for as long as the job runs.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            key("memory.time.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How far behind the newest frame time (wall_ms) of a Kafka partition"
                                + " its watermark stays: frames of many ingest instances and"
                                + " encoder batches interleave on one partition. A frame later"
                                + " than this is still applied and counted as lateFrames.");

    public static final ConfigOption<Duration> SOURCE_IDLE_TIMEOUT =
            key("memory.time.source-idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A partition of lw.embeddings without records for this much"
                                + " processing time stops holding the watermark back, so one"
                                + " quiet partition does not stall idle expiry on the others."
                                + " Keep it well above any processing stall: a partition that"
                                + " resumes behind a watermark the others pushed ahead (a"
                                + " backlog, a file ingested faster than real time) sees its"
                                + " streams expired early. 0 never marks a partition idle.");

    public static final ConfigOption<Duration> CHAPTER_LENGTH =
            key("memory.chapter.length")
                    .durationType()
                    .defaultValue(Duration.ofMillis(ChapterPolicy.DEFAULT_CHAPTER_MS))
                    .withDescription(
                            "chapter_s: every this much media time (from a stream's first frame)"
                                + " the stream's bank is sealed to lw.chapters and a fresh bank"
                                + " starts, so state per stream stays constant. 0 never seals.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            key("memory.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka brokers to read embeddings from and write results to.");

    /**
     * Kafka client settings for the job's sources and sink, one option each: {@code
     * memory.kafka.properties.security.protocol: SASL_SSL} sets the client property {@code
     * security.protocol}, and so on (SASL, TLS). What the job sets itself (bootstrap servers,
     * group id, isolation, transactions, sizes) wins over them. The same settings the separate
     * services read from {@code LONGWATCH_KAFKA_*}.
     */
    public static final String KAFKA_PROPERTIES_PREFIX = "memory.kafka.properties.";

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            key("memory.kafka.group-id")
                    .stringType()
                    .defaultValue("longwatch-memory")
                    .withDescription(
                            "Consumer group of the embeddings source; a new group starts at the"
                                    + " earliest offsets.");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
            key("memory.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("longwatch-memory")
                    .withDescription(
                            "Prefix of the exactly-once sink's transactional ids; unique per job on"
                                    + " a cluster.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("memory.checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "Checkpoint interval. Results become visible to read_committed"
                                    + " consumers when the checkpoint that covers them completes.");

    private MemoryOptions() {}
}
