package dev.longwatch.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap, RSS and CPU of this JVM (the embedded stack runs in it), CPU grouped by what the threads
 * work for, from {@code /proc/self/task/*}: each thread's {@code comm} (the name the JVM gave it,
 * cut to 15 characters) matched against the prefixes of {@link #GROUPS}. Native threads count
 * too, and land with the thread that created them, whose name they inherit (FFmpeg's decoding
 * threads with ingest's workers, ONNX Runtime's with the encoder), which {@link ThreadMXBean}
 * would miss; GC and JIT threads have their own groups. The camera server is a separate process.
 *
 * <p>A thread's CPU time dies with it: a group's total counts the threads alive at each reading,
 * plus what those that ended had used by their last reading.
 */
final class ThreadGroupCpu implements ResourceSource {
    /** Group by thread-name prefix (15 characters at most); the first match wins. */
    static final List<Map.Entry<String, String>> GROUPS = List.of(
            Map.entry("encoder-worker", "encoder"),
            Map.entry("lw-ingest", "ingest"),
            Map.entry("longwatch-query", "query"),
            Map.entry("JettyServerThre", "query"),
            Map.entry("qtp", "query"),
            Map.entry("Source: ", "memory-job"),
            Map.entry("memory", "memory-job"),
            Map.entry("flink", "memory-job"),
            Map.entry("Flink", "memory-job"),
            Map.entry("pekko", "memory-job"),
            Map.entry("Checkpoint", "memory-job"),
            Map.entry("AsyncOperations", "memory-job"),
            Map.entry("jobmanager", "memory-job"),
            Map.entry("OutputFlusher", "memory-job"),
            Map.entry("mini-cluster", "memory-job"),
            Map.entry("rocksdb", "memory-job"),
            Map.entry("load-", "bench"),
            Map.entry("HttpClient", "bench"),
            Map.entry("kafka-producer-", "kafka-clients"),
            Map.entry("kafka-coordinat", "kafka-clients"),
            Map.entry("GC Thread", "gc"),
            Map.entry("G1 ", "gc"),
            Map.entry("C1 CompilerThre", "jit"),
            Map.entry("C2 CompilerThre", "jit"),
            Map.entry("kafka-", "kafka-broker"),
            Map.entry("data-plane", "kafka-broker"),
            Map.entry("broker-", "kafka-broker"),
            Map.entry("controller-", "kafka-broker"),
            Map.entry("raft", "kafka-broker"),
            Map.entry("quorum", "kafka-broker"),
            Map.entry("ReplicaFetcher", "kafka-broker"),
            Map.entry("ExpirationReape", "kafka-broker"),
            Map.entry("group-coordinat", "kafka-broker"),
            Map.entry("transaction", "kafka-broker"),
            Map.entry("LogDirFailureHa", "kafka-broker"));
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long cameraPid;
    private final Map<String, Double> lastByThread = new HashMap<>();
    private final Map<String, String> groupByThread = new HashMap<>();
    private final Map<String, Double> ended = new HashMap<>();

    /** @param cameraPid the camera server's process, reported as group {@code cameras}; -1 for none */
    ThreadGroupCpu(long cameraPid) {
        this.cameraPid = cameraPid;
    }

    static String group(String threadName) {
        for (Map.Entry<String, String> rule : GROUPS) {
            if (threadName.startsWith(rule.getKey())) {
                return rule.getValue();
            }
        }
        // Kafka Streams names its threads <application id>-<uuid>-StreamThread-n; cut to 15
        // characters only the application id's start is left, which the rules above match.
        return "other";
    }

    @Override
    public synchronized Reading read() throws IOException {
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> now = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String tid = task.getFileName().toString();
                double seconds;
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    seconds = processCpuSeconds(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended while we looked
                }
                String group = group(name);
                groupByThread.put(tid, group);
                now.put(tid, seconds);
                cpu.merge(group, seconds, Double::sum);
            }
        }
        for (Map.Entry<String, Double> before : lastByThread.entrySet()) {
            if (!now.containsKey(before.getKey())) {
                ended.merge(groupByThread.remove(before.getKey()), before.getValue(), Double::sum);
            }
        }
        lastByThread.clear();
        lastByThread.putAll(now);
        ended.forEach((group, seconds) -> cpu.merge(group, seconds, Double::sum));
        if (cameraPid > 0 && Files.exists(Path.of("/proc/" + cameraPid + "/stat"))) {
            cpu.put("cameras", processCpuSeconds(Path.of("/proc/" + cameraPid + "/stat")));
        }
        return new Reading(memory.getHeapMemoryUsage().getUsed(), rssBytes(), cpu);
    }

    /** utime + stime of a process or thread, from its {@code stat} file (fields 14 and 15). */
    static double processCpuSeconds(Path stat) throws IOException {
        String line = Files.readString(stat);
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / (double) TICKS_PER_SECOND;
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
