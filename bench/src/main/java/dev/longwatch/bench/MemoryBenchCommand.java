package dev.longwatch.bench;

import dev.longwatch.memory.bench.MemoryBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The incremental bank against the MA-LMM port, in one JVM (JMH). */
@Command(name = "memory", description = "Frames/s of the memory bank against MA-LMM's memory_bank_compress, same run.")
final class MemoryBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--full", description = "token granularity too, and longer measurements (default: quick, about 3 minutes)")
    boolean full;

    @Override
    public Integer call() throws Exception {
        MemoryBenchmark.run(json, System.err, !full);
        System.err.println("bench memory: wrote " + json);
        return 0;
    }
}
