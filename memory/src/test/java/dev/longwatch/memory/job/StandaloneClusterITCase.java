package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.config.MemoryOptions;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The job on a real standalone Flink session cluster: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and a TaskManager ({@code TaskManagerRunner}) as separate
 * JVMs with only Flink on their classpath, and the job submitted over REST with its jars (the
 * module jar, the test classes, schema, protobuf, kafka-clients), parallelism 2, RocksDB, over six
 * streams. Results come back through files written by the sink.
 *
 * <p>Takes about 30 s (two JVMs start); {@code -Dlongwatch.standalone.skip=true} skips it.
 */
@DisabledIfSystemProperty(named = "longwatch.standalone.skip", matches = "true")
class StandaloneClusterITCase {
    private static final int CAPACITY = 5;
    private static final long FRAMES = 40;

    /**
     * Classpath entries that belong to the job, not to the cluster: shipped with the submission
     * instead (schema and the bank library are jars from the local repository, or their classes in
     * a reactor build).
     */
    private static final List<String> JOB_JARS =
            List.of(
                    "longwatch-schema", "/schema/target/classes",
                    "longwatch-memory-bank", "/memory-bank/target/classes",
                    "protobuf-java", "kafka-clients");

    /** Configuration, logs and results; under target/ so the logs outlive a failure. */
    private static Path work;

    private static final List<Process> processes = new ArrayList<>();
    private static int restPort;

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "standalone-");
        int rpcPort = freePort();
        restPort = freePort();
        Path conf = Files.createDirectories(work.resolve("conf"));
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
                        conf,
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        List.of("-Xmx256m"),
                        List.of()));
        // What flink's taskmanager.sh computes (BashJavaUtils): JVM memory flags and the derived
        // memory sizes as dynamic properties, from the same config.yaml.
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        GlobalConfiguration.loadConfiguration(conf.toString()));
        processes.add(
                start(
                        "taskmanager",
                        conf,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        Arrays.asList(
                                ProcessMemoryUtils.generateJvmParametersStr(spec)
                                        .trim()
                                        .split("\\s+")),
                        Arrays.asList(
                                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)
                                        .trim()
                                        .split("\\s+"))));
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
    }

    @Test
    void shouldKeepEveryStreamsBankOnAStandaloneClusterWithParallelismTwo() throws Exception {
        List<SyntheticEmbeddingSource.StreamSplit> streams = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            streams.add(new SyntheticEmbeddingSource.StreamSplit("cam-" + s, 0, FRAMES, -1, -1));
        }
        Path results = Files.createDirectories(work.resolve("results"));
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        "localhost", restPort, flink, jobJars());
        env.setParallelism(2);
        Configuration options = new Configuration();
        options.set(MemoryOptions.BANK_SLOTS, CAPACITY);
        options.set(MemoryOptions.EMIT_INTERVAL, Duration.ZERO);
        new MemoryJob(
                        new SyntheticEmbeddingSource(streams),
                        new SyntheticEmbeddingSource(List.of()),
                        new FileCollectingSink(results),
                        options)
                .build(env);
        env.execute("memory-standalone-itcase");

        List<Path> files;
        try (Stream<Path> listed = Files.list(results)) {
            files = listed.sorted().toList();
        }
        assertThat(files).as("one file per sink subtask").hasSize(2);
        Map<String, MemorySnapshot> banks = new TreeMap<>();
        List<Integer> snapshotsPerSubtask = new ArrayList<>();
        for (Path file : files) {
            List<MemorySnapshot> snapshots = OutRecords.snapshots(FileCollectingSink.read(file));
            snapshotsPerSubtask.add(snapshots.size());
            for (MemorySnapshot snapshot : snapshots) {
                banks.merge(
                        snapshot.getStreamId(),
                        snapshot,
                        (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
            }
        }
        assertThat(snapshotsPerSubtask).as("both subtasks kept banks").allMatch(n -> n > 0);
        assertThat(banks).hasSize(6);
        for (MemorySnapshot bank : banks.values()) {
            assertThat(bank.getFramesSeen()).isEqualTo(FRAMES);
            assertThat(bank.getLastSeq()).isEqualTo(FRAMES - 1);
            assertThat(bank.getSlotsCount()).isEqualTo(CAPACITY);
            assertThat(bank.getSlotsList().stream().mapToLong(Slot::getFrameCount).sum())
                    .isEqualTo(FRAMES);
            assertThat(bank.getSlots(0).getStartMs()).isZero();
            assertThat(bank.getSlots(CAPACITY - 1).getEndMs())
                    .isEqualTo((FRAMES - 1) * TestFrames.FRAME_MS);
        }
    }

    /** This module's jar, the test classes as a jar, and the job's own dependencies. */
    private static String[] jobJars() throws IOException {
        List<String> jars = new ArrayList<>();
        Path moduleJar =
                Path.of(
                        MemoryJob.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .getPath());
        jars.add(
                Files.isDirectory(moduleJar)
                        ? jar(moduleJar, "memory-classes.jar")
                        : moduleJar.toString());
        Path testClasses =
                Path.of(
                        StandaloneClusterITCase.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .getPath());
        jars.add(jar(testClasses, "memory-test-classes.jar"));
        for (String entry : testClassPath()) {
            if (isJobJar(entry)) {
                jars.add(
                        Files.isDirectory(Path.of(entry))
                                // <module>/target/classes -> <module>.jar
                                ? jar(Path.of(entry), Path.of(entry).getParent().getParent().getFileName() + ".jar")
                                : entry);
            }
        }
        return jars.toArray(String[]::new);
    }

    private static boolean isJobJar(String entry) {
        return JOB_JARS.stream().anyMatch(entry::contains);
    }

    /** The cluster's classpath: the test classpath less this module and the job's own jars. */
    private static String clusterClassPath() {
        return testClassPath().stream()
                .filter(entry -> !isJobJar(entry))
                .filter(entry -> !entry.contains("/memory/target/"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static List<String> testClassPath() {
        String classPath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.asList(classPath.split(File.pathSeparator));
    }

    private static String jar(Path classes, String name) throws IOException {
        Path jar = work.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(
                        new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return jar.toString();
    }

    private static Process start(
            String name, Path conf, String mainClass, List<String> jvmArgs, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
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
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .start();
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
