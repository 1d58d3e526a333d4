package dev.longwatch.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./longwatch bench NAME --json FILE}: the benchmarks, each writing figures and ratios as
 * JSON. The {@code longwatch} script starts this class, with the bench module's classpath, for
 * every command line that begins with {@code bench}; the launcher ({@code LongwatchCli}) does not
 * depend on this module.
 */
@Command(
        name = "longwatch bench",
        mixinStandardHelpOptions = true,
        version = "longwatch 0.1.0",
        description = "Run a benchmark and write its figures as JSON.",
        subcommands = {MemoryBenchCommand.class, FidelityBenchCommand.class, IngestBenchCommand.class, EncoderBenchCommand.class, StateBenchCommand.class, QueryBenchCommand.class})
public final class BenchCommand {

    public static void main(String[] args) {
        int exit = new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }
}
