package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/** Prints a stream's progress as a line every few seconds, when it changed: for logs and the demo. */
final class StreamProgressLines implements Consumer<JsonNode> {
    private static final Duration PRINT_EVERY = Duration.ofSeconds(2);

    private final String prefix;
    private final PrintStream out;
    private Instant nextPrint = Instant.now();
    private String last = "";

    StreamProgressLines(String prefix, PrintStream out) {
        this.prefix = prefix;
        this.out = out;
    }

    @Override
    public void accept(JsonNode stream) {
        long produced = stream.path("framesProduced").asLong();
        long inMemory = stream.path("framesInMemory").asLong();
        if (MemoryWait.isComplete(stream)) {
            out.printf(Locale.ROOT, "%s: ingest %d frames, memory %d frames: done%n", prefix, produced, inMemory);
            return;
        }
        String line =
                String.format(
                        Locale.ROOT,
                        "%s: %s, ingest %d frames, memory %d frames",
                        prefix,
                        stream.path("state").asText().toLowerCase(Locale.ROOT),
                        produced,
                        inMemory);
        if (!line.equals(last) && !Instant.now().isBefore(nextPrint)) {
            out.println(line);
            last = line;
            nextPrint = Instant.now().plus(PRINT_EVERY);
        }
    }
}
