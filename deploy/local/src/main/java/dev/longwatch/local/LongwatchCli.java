package dev.longwatch.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./longwatch}: the entry point; each subcommand is its own class. */
@Command(
        name = "longwatch",
        mixinStandardHelpOptions = true,
        // Every subcommand answers --help (with its options' defaults) and --version too.
        scope = CommandLine.ScopeType.INHERIT,
        version = "longwatch 0.1.0",
        description = "Ask questions about hours of live and recorded video.",
        subcommands = {DemoCommand.class, UpCommand.class, IngestCommand.class, AskCommand.class, SubscribeCommand.class, BenchCommand.class})
public final class LongwatchCli {

    public static void main(String[] args) {
        int exit = new CommandLine(new LongwatchCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(exit);
    }
}
