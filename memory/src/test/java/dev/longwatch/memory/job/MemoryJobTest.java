package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.config.MemoryOptions;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/** The launcher's entry points and the topology, without a cluster. */
class MemoryJobTest {

    @Test
    void shouldConfigureRocksDbCheckpointsUnderTheGivenDirectory(@TempDir Path dir) {
        Configuration options = new Configuration();
        options.set(MemoryOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(7));
        options.set(MemoryOptions.BANK_SLOTS, 12);

        Configuration conf =
                MemoryJob.localClusterConfiguration(dir.resolve("checkpoints"), options);

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .startsWith("file:/")
                .matches(".*/checkpoints/?");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(MemoryOptions.BANK_SLOTS)).isEqualTo(12);
        assertThat(conf.contains(StateRecoveryOptions.SAVEPOINT_PATH)).isFalse();
    }

    @Test
    void shouldResumeFromTheNewestRetainedCheckpoint(@TempDir Path dir) throws Exception {
        Path older = metadata(dir, "aaaa/chk-9", 1_000);
        Path newer = metadata(dir, "bbbb/chk-2", 2_000);
        Files.createDirectories(dir.resolve("bbbb/chk-3")); // in progress: no _metadata yet
        Files.createDirectories(dir.resolve("bbbb/shared"));

        Configuration conf = MemoryJob.localClusterConfiguration(dir, new Configuration());

        assertThat(RetainedCheckpoints.latest(dir)).contains(newer.getParent());
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(newer.getParent().toUri().toString());
        assertThat(older).exists();
    }

    @Test
    void shouldKeepAnExplicitRecoveryPath(@TempDir Path dir) throws Exception {
        metadata(dir, "aaaa/chk-1", 1_000);
        Configuration options = new Configuration();
        options.set(StateRecoveryOptions.SAVEPOINT_PATH, "file:///elsewhere");
        assertThat(
                        MemoryJob.localClusterConfiguration(dir, options)
                                .get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo("file:///elsewhere");
    }

    @Test
    void shouldGiveEveryOperatorOfTheKafkaJobAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MemoryJob.fromKafka(new Configuration()).build(env);
        assertThat(env.getStreamGraph().getStreamNodes())
                .isNotEmpty()
                .allSatisfy(
                        node ->
                                assertThat(node.getTransformationUID())
                                        .as(node.getOperatorName())
                                        .isNotBlank())
                .extracting(StreamNode::getTransformationUID)
                .contains(
                        "embeddings-source",
                        "decode-embeddings",
                        "streams-source",
                        "decode-streams",
                        MemoryStateSchema.OPERATOR_UID);
    }

    private static Path metadata(Path dir, String checkpoint, long modifiedMs) throws Exception {
        Path file = dir.resolve(checkpoint).resolve("_metadata");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMs));
        return file;
    }
}
