package dev.longwatch.local;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench} as {@code ./longwatch --help} lists it. The benchmarks live in the bench module,
 * which depends on this one and not the other way round: the {@code longwatch} script hands every
 * command line that begins with {@code bench} to {@code dev.longwatch.bench.BenchCommand} on the
 * bench module's classpath, so this command runs only when the launcher is started without the
 * script, and then says where the benchmarks are.
 */
@Command(name = "bench", description = "Run a benchmark and write its figures as JSON (./longwatch bench --help).")
final class BenchPointerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched List<String> arguments;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(
                "longwatch: the benchmarks run from the bench module: ./longwatch bench NAME --json FILE"
                        + " (the script starts dev.longwatch.bench.BenchCommand with bench/target's classpath)");
        return 2;
    }
}
