package dev.longwatch.local;

import dev.longwatch.query.subscriptions.SubscribeClient;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./longwatch subscribe ID "Q"}: a standing question; prints each matching answer until Ctrl-C. */
@Command(name = "subscribe", mixinStandardHelpOptions = true, description = "Ask a standing question; print every answer the stack pushes, until Ctrl-C.")
final class SubscribeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "stream id")
    String streamId;

    @Parameters(index = "1", description = "the standing question, e.g. \"Does a person enter?\"")
    String question;

    @Option(names = "--cooldown", defaultValue = "30", description = "ask the model at most once per this many seconds (default: ${DEFAULT-VALUE})")
    int cooldownSec;

    @Option(names = "--server", defaultValue = "http://127.0.0.1:8080", description = "query service URL (default: ${DEFAULT-VALUE}); the token comes from LONGWATCH_API_TOKEN")
    URI server;

    @Override
    public Integer call() throws Exception {
        SubscribeClient.run(server, streamId, question, cooldownSec, System.out);
        return 0;
    }
}
