package dev.longwatch.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./longwatch}: the entry point; each subcommand is its own class. */
@Command(
        name = "longwatch",
        mixinStandardHelpOptions = true,
        version = "longwatch 0.1.0",
        description = "Ask questions about hours of live and recorded video.",
        subcommands = {DemoCommand.class, UpCommand.class, IngestCommand.class, AskCommand.class, SubscribeCommand.class, BenchPointerCommand.class})
public final class LongwatchCli {

    public static void main(String[] args) {
        int exit = new CommandLine(new LongwatchCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }
}
