package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.kafka.embedded.EmbeddedKafka;
import dev.longwatch.kafka.embedded.TopicAdmin;
import dev.longwatch.schema.Topics;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.MemorySnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The job jar on a real standalone Flink session cluster: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}) as separate
 * JVMs on Flink's jars only (the runtime dependencies of the Flink artifacts, listed by the build
 * in {@code target/flink-cluster.classpath}), the shaded {@code longwatch-memory-<version>-job.jar}
 * submitted with {@code flink run} (CliFrontend in a client JVM) and run as {@code MemoryJob.main}
 * against a KRaft broker in the test JVM, at parallelism 2, RocksDB, 500 ms checkpoints, six
 * streams on two partitions.
 *
 * <p>Given half of every stream committed and more processed, when the TaskManager process is
 * killed (SIGKILL) and a new one started, and the rest of the frames arrive, then the job (restarted
 * by the cluster from its last checkpoint) ends with the banks, events and chapters of an
 * uninterrupted run of the same jar over the same input, once each on read_committed.
 *
 * <p>About 40 s (three JVMs start); {@code -Dlongwatch.standalone.skip=true} skips it. Logs stay in
 * {@code target/standalone-*}.
 */
@DisabledIfSystemProperty(named = "longwatch.standalone.skip", matches = "true")
class StandaloneClusterITCase {
    private static final int STREAMS = 6;
    private static final long FRAMES = 60;
    private static final long COMMITTED_BEFORE_THE_KILL = 30;
    private static final long PROCESSED_BEFORE_THE_KILL = 45;
    private static final long WALL_START_MS = System.currentTimeMillis() / 1000 * 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Configuration, logs and checkpoints; under target/ so the logs outlive a failure. */
    private static Path work;

    private static final List<Process> processes = new ArrayList<>();
    private static Path conf;
    private static int restPort;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "standalone-");
        kafka = EmbeddedKafka.start(work.resolve("kafka"), 1);
        TopicAdmin.createAll(
                kafka.bootstrapServers(),
                topic -> topic.name().equals(Topics.EMBEDDINGS.name()) ? 2 : 1,
                (short) 1);
        int rpcPort = freePort();
        restPort = freePort();
        conf = Files.createDirectories(work.resolve("conf"));
        Files.writeString(
                conf.resolve("config.yaml"),
                String.join(
                        "\n",
                        "jobmanager.rpc.address: localhost",
                        "jobmanager.rpc.port: " + rpcPort,
                        "jobmanager.bind-host: localhost",
                        "rest.address: localhost",
                        "rest.bind-address: localhost",
                        "rest.port: " + restPort,
                        "taskmanager.host: localhost",
                        "taskmanager.bind-host: localhost",
                        "taskmanager.rpc.port: 0",
                        "taskmanager.numberOfTaskSlots: 2",
                        "jobmanager.memory.process.size: 640m",
                        "taskmanager.memory.process.size: 1g",
                        "state.backend.type: rocksdb",
                        "execution.checkpointing.dir: " + work.resolve("checkpoints").toUri(),
                        "restart-strategy.type: fixed-delay",
                        "restart-strategy.fixed-delay.attempts: 20",
                        "restart-strategy.fixed-delay.delay: 1 s",
                        // A killed TaskManager is noticed in seconds, not after the default 50 s.
                        "heartbeat.interval: 1000",
                        "heartbeat.timeout: 5000",
                        "pipeline.generic-types: false",
                        "io.tmp.dirs: " + work.resolve("tmp"),
                        ""));
        Files.createDirectories(work.resolve("tmp"));
        Files.writeString(
                conf.resolve("log4j.properties"),
                "rootLogger.level = WARN\n"
                        + "rootLogger.appenderRef.file.ref = File\n"
                        + "appender.file.name = File\n"
                        + "appender.file.type = File\n"
                        + "appender.file.fileName = ${sys:log.file}\n"
                        + "appender.file.layout.type = PatternLayout\n"
                        + "appender.file.layout.pattern = %d %-5p %c{1} - %m%n\n");
        processes.add(
                start(
                        "jobmanager",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        List.of("-Xmx256m"),
                        List.of()));
        processes.add(startTaskManager("taskmanager-1"));
        awaitSlots(2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldEndWithTheBanksOfAnUninterruptedRunAfterTheTaskManagerIsKilled() throws Exception {
        Map<TopicPartition, Long> faultyFrom = KafkaOutputs.endOffsets(kafka.bootstrapServers());
        produce(0, COMMITTED_BEFORE_THE_KILL);
        String job = run("faulty");
        await(() -> allStreamsAt(read("read_committed", faultyFrom), COMMITTED_BEFORE_THE_KILL - 1),
                "the first part is committed");
        produce(COMMITTED_BEFORE_THE_KILL, PROCESSED_BEFORE_THE_KILL);
        await(() -> allStreamsAt(read("read_uncommitted", faultyFrom), PROCESSED_BEFORE_THE_KILL - 1),
                "the second part is processed");

        Process taskManager = processes.get(1);
        taskManager.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the JobManager
        assertThat(taskManager.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        processes.add(startTaskManager("taskmanager-2"));
        produce(PROCESSED_BEFORE_THE_KILL, FRAMES);
        await(() -> allStreamsAt(read("read_committed", faultyFrom), FRAMES - 1),
                "the restarted job committed every frame");
        JsonNode exceptions = get("/jobs/" + job + "/exceptions");
        cancel(job);
        KafkaOutputs committed = read("read_committed", faultyFrom);

        Map<TopicPartition, Long> referenceFrom = KafkaOutputs.endOffsets(kafka.bootstrapServers());
        String reference = run("reference");
        await(() -> allStreamsAt(read("read_committed", referenceFrom), FRAMES - 1),
                "the reference run committed every frame");
        cancel(reference);
        KafkaOutputs expected = read("read_committed", referenceFrom);

        assertThat(exceptions.path("exceptionHistory").path("entries"))
                .as("the job failed over when its TaskManager died")
                .isNotEmpty();
        Map<String, MemorySnapshot> banks = committed.finalBanks();
        assertThat(banks).isEqualTo(expected.finalBanks()).hasSize(STREAMS);
        assertThat(banks.values())
                .allSatisfy(bank -> assertThat(bank.getFramesSeen()).isEqualTo(FRAMES));
        assertThat(KafkaOutputs.duplicates(committed.events(), KafkaOutputs::eventKey)).isEmpty();
        assertThat(committed.sortedEvents()).isEqualTo(expected.sortedEvents());
        assertThat(committed.sortedChapters())
                .isEqualTo(expected.sortedChapters())
                .as("chapters 0-1 of six streams")
                .hasSize(2 * STREAMS);
    }

    // --- the job over REST --------------------------------------------------------------------

    /**
     * {@code flink run -d -p 2 -c MemoryJob <job jar> <args>} in a client JVM of its own (Flink's
     * CliFrontend on the cluster's classpath, configured by the cluster's config.yaml): it builds
     * the job graph from the jar and submits graph and jar over REST. Returns the job id.
     */
    private static String run(String name) throws Exception {
        Path jar = Path.of(System.getProperty("longwatch.job-jar", "missing-job-jar"));
        assertThat(jar).as("the job jar (built by the package phase)").isRegularFile();
        List<String> command = javaCommand("cli-" + name);
        command.addAll(
                List.of(
                        "org.apache.flink.client.cli.CliFrontend",
                        "run",
                        "--detached",
                        "--parallelism",
                        "2",
                        "--class",
                        MemoryJob.class.getName(),
                        jar.toString(),
                        "--memory.kafka.bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--memory.kafka.group-id",
                        "memory-" + name,
                        "--memory.kafka.transactional-id-prefix",
                        "memory-" + name,
                        "--memory.bank.slots",
                        "5",
                        "--memory.snapshot.emit-interval",
                        "0 ms",
                        "--memory.chapter.length",
                        "10 s",
                        "--memory.checkpoint.interval",
                        "500 ms"));
        Path out = work.resolve("cli-" + name + ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process cli = builder.start();
        assertThat(cli.waitFor(3, java.util.concurrent.TimeUnit.MINUTES))
                .as("flink run returns once the job is submitted")
                .isTrue();
        String printed = Files.readString(out);
        assertThat(cli.exitValue()).as("flink run: " + printed).isZero();
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("JobID ([0-9a-f]{32})").matcher(printed);
        assertThat(id.find()).as("flink run printed the job id: " + printed).isTrue();
        return id.group(1);
    }

    private static void cancel(String job) throws Exception {
        send(
                HttpRequest.newBuilder(rest("/jobs/" + job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        await(() -> state(job).equals("CANCELED"), "job " + job + " is cancelled");
    }

    private static String state(String job) {
        try {
            return get("/jobs/" + job).path("state").asText();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the state of job " + job, e);
        }
    }

    private static JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(rest(path)).GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        request.timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(request.build().uri() + " answered " + response.body())
                .isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static URI rest(String path) {
        return URI.create("http://localhost:" + restPort + path);
    }

    // --- the input and the output -------------------------------------------------------------

    private static String stream(int index) {
        return "cam-" + index;
    }

    /** Frames {@code [fromSeq, toSeq)} of every stream, as the encoder worker writes them. */
    private static void produce(long fromSeq, long toSeq) {
        List<String> streams = java.util.stream.IntStream.range(0, STREAMS).mapToObj(StandaloneClusterITCase::stream).toList();
        KafkaInputs.produce(kafka.bootstrapServers(), streams, fromSeq, toSeq, (stream, seq) -> TestFrames.proto(
                        TestFrames.frame(stream, seq, TestFrames.sceneValues(stream, seq), false, WALL_START_MS), DType.F16)
                .toByteArray());
    }

    private static KafkaOutputs read(String isolation, Map<TopicPartition, Long> from) {
        return KafkaOutputs.read(kafka.bootstrapServers(), isolation, from);
    }

    private static boolean allStreamsAt(KafkaOutputs out, long lastSeq) {
        return out.snapshots().stream()
                        .filter(snapshot -> snapshot.getLastSeq() == lastSeq)
                        .map(MemorySnapshot::getStreamId)
                        .distinct()
                        .count()
                == STREAMS;
    }

    /** Waits for a condition of the cluster; fails after three minutes (a hang, not a timing). */
    private static void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what + "; see " + work);
            }
            Thread.sleep(200);
        }
    }

    // --- the cluster processes ----------------------------------------------------------------

    /** With the JVM flags and memory sizes flink's taskmanager.sh computes (BashJavaUtils). */
    private static Process startTaskManager(String name) throws Exception {
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        GlobalConfiguration.loadConfiguration(conf.toString()));
        return start(
                name,
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                Arrays.asList(ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")),
                Arrays.asList(
                        TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)
                                .trim()
                                .split("\\s+")));
    }

    /**
     * Flink's jars (the build's {@code flink-cluster.classpath}) plus log4j for the log files:
     * nothing of the job, nothing of the tests.
     */
    private static String clusterClassPath() throws IOException {
        Path listed =
                Path.of(
                        System.getProperty(
                                "longwatch.flink-cluster-classpath", "missing-classpath-file"));
        List<String> entries = new ArrayList<>(Arrays.asList(Files.readString(listed).trim().split(File.pathSeparator)));
        String testClassPath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        Stream.of(testClassPath.split(File.pathSeparator))
                .filter(entry -> entry.contains("/org/apache/logging/log4j/"))
                .forEach(entries::add);
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }

    private static Process start(
            String name, String mainClass, List<String> jvmArgs, List<String> args)
            throws IOException {
        List<String> command = javaCommand(name);
        command.addAll(1, jvmArgs);
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .start();
    }

    /** {@code java} with logging to {@code <name>.log}, the Java 17 flags and Flink's jars. */
    private static List<String> javaCommand(String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dlog.file=" + work.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        // The same --add-opens as this test JVM (the build's Java 17 flags for Flink).
        for (String argument :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports")) {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(clusterClassPath());
        return command;
    }

    /** Waits until the TaskManager has registered its slots (a start-up, not a timing check). */
    private static void awaitSlots(int slots) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest overview =
                HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + "/overview"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new AssertionError(
                            "a cluster process exited: see " + work + " (*.out, *.log)");
                }
            }
            try {
                String body = http.send(overview, HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("\"slots-total\":" + slots)) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the cluster did not offer " + slots + " slots; see " + work);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
