package dev.longwatch.bench;

import dev.longwatch.memory.bench.StateGrowthBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Per-stream state after 1 h and 10 h of footage: constant, because chapters are sealed. */
@Command(name = "state", description = "Bytes of memory state per stream after 1 h and after 10 h of generated footage.")
final class StateBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Override
    public Integer call() throws Exception {
        StateGrowthBenchmark.run(json, System.err);
        System.err.println("bench state: wrote " + json);
        return 0;
    }
}
