package dev.longwatch.local;

import picocli.CommandLine.Command;

/** {@code ./longwatch bench NAME --json FILE}: the benchmarks, each writing figures and ratios as JSON. */
@Command(
        name = "bench",
        description = "Run a benchmark and write its figures as JSON.",
        subcommands = {MemoryBenchCommand.class, FidelityBenchCommand.class, IngestBenchCommand.class, EncoderBenchCommand.class, StateBenchCommand.class, QueryBenchCommand.class})
final class BenchCommand {}
