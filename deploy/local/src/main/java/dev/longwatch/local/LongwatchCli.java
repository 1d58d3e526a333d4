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
        System.exit(commandLine().execute(args));
    }

    /** The CLI as {@code ./longwatch} runs it: {@code up} and {@code demo} list the services' environment. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LongwatchCli()).setCaseInsensitiveEnumValuesAllowed(true);
        for (String stack : new String[] {"up", "demo"}) {
            cli.getSubcommands().get(stack).getCommandSpec().usageMessage().footer(ServiceEnvironment.help());
        }
        return cli;
    }
}
