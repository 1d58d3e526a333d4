package dev.longwatch.bench;

import dev.longwatch.local.DataDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ask latency over 1 h and 10 h of memory, and frame-to-event-answer latency, on the embedded stack. */
@Command(
        name = "query",
        description = "Ask latency over windows of 1 h and 10 h of generated footage, and the time from a frame's"
                + " capture to its event answer, against a zero-latency local LLM server.")
final class QueryBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--asks", defaultValue = "200", description = "timed asks per window, uncached and cached each (default: ${DEFAULT-VALUE})")
    int asks;

    @Option(names = "--hours", defaultValue = "1,10", split = ",", description = "windows in hours of footage (default: ${DEFAULT-VALUE})")
    List<Double> hours;

    @Option(names = "--event-seconds", defaultValue = "60", description = "how long the live source runs (default: ${DEFAULT-VALUE})")
    int eventSeconds;

    @Option(names = "--fps", defaultValue = "2", description = "frames per second of the live source (default: ${DEFAULT-VALUE})")
    double fps;

    @Option(names = "--checkpoint-ms", defaultValue = "1000",
            description = "the memory job's checkpoint interval; its events become visible at checkpoints (default: ${DEFAULT-VALUE})")
    long checkpointMs;

    @Option(names = "--data-dir", description = "where the stack keeps its data (default: a temporary directory, deleted after)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("longwatch-bench-query-");
        try {
            QueryBenchmark.run(
                    new QueryBenchmark.Options(hours.stream().sorted().toList(), asks, eventSeconds, fps, checkpointMs, dir),
                    json,
                    System.err);
        } finally {
            if (dataDir == null) {
                DataDirs.deleteQuietly(dir);
            }
        }
        System.err.println("bench query: wrote " + json);
        return 0;
    }
}
