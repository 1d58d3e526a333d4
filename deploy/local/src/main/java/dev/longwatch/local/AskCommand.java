package dev.longwatch.local;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./longwatch ask ID "Q"}: a client of a running stack. */
@Command(name = "ask", mixinStandardHelpOptions = true, description = "Ask a question about a stream of a running stack.")
final class AskCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "stream id")
    String streamId;

    @Parameters(index = "1", description = "the question")
    String question;

    @Option(names = "--from", description = "window start, seconds from the stream's first frame (default: its first frame)")
    Double fromSec;

    @Option(names = "--to", description = "window end, seconds from the stream's first frame (default: its last frame)")
    Double toSec;

    @Option(names = "--server", defaultValue = "http://127.0.0.1:8080", description = "query service URL (default: ${DEFAULT-VALUE})")
    URI server;

    @Option(names = "--json", description = "print the ask response JSON as the last line on stdout")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("question", question);
        if (fromSec != null) {
            body.put("fromSec", fromSec);
        }
        if (toSec != null) {
            body.put("toSec", toSec);
        }
        ApiClient.Reply reply =
                new ApiClient(server).post("/v1/streams/" + streamId + "/ask", body).requireSuccess("ask");
        AnswerPrinter.print(reply, json);
        return 0;
    }
}
