package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Polls {@code GET /v1/streams/{id}} until ingest has read the whole file and every frame it
 * produced is in the memory bank, printing progress as it goes.
 */
final class MemoryWait {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration PRINT_EVERY = Duration.ofSeconds(2);

    private final ApiClient api;
    private final String streamId;
    private final Duration timeout;
    private final PrintStream progress;
    private final Supplier<Optional<String>> fault;

    /** @param fault says what has broken in the stack, if anything, so the wait ends early */
    MemoryWait(ApiClient api, String streamId, Duration timeout, PrintStream progress, Supplier<Optional<String>> fault) {
        this.api = api;
        this.streamId = streamId;
        this.timeout = timeout;
        this.progress = progress;
        this.fault = fault;
    }

    static final class StreamFailedException extends RuntimeException {
        StreamFailedException(String message) {
            super(message);
        }
    }

    /** @return the stream's last state, once complete and fully in memory */
    JsonNode untilComplete() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextPrint = Instant.now();
        String last = "";
        while (true) {
            ApiClient.Reply reply = api.get("/v1/streams/" + streamId);
            if (reply.status() == 200) {
                JsonNode stream = reply.json();
                String state = stream.path("state").asText();
                long produced = stream.path("framesProduced").asLong();
                long inMemory = stream.path("framesInMemory").asLong();
                if ("FAILED".equals(state)) {
                    throw new StreamFailedException(
                            "stream " + streamId + " failed: " + stream.path("error").asText());
                }
                if ("COMPLETED".equals(state) && produced > 0 && inMemory >= produced) {
                    progress.printf(Locale.ROOT, "demo: ingest %d frames, memory %d frames: done%n", produced, inMemory);
                    return stream;
                }
                String line = String.format(Locale.ROOT, "demo: %s, ingest %d frames, memory %d frames", state.toLowerCase(Locale.ROOT), produced, inMemory);
                if (!line.equals(last) && !Instant.now().isBefore(nextPrint)) {
                    progress.println(line);
                    last = line;
                    nextPrint = Instant.now().plus(PRINT_EVERY);
                }
            }
            Optional<String> broken = fault.get();
            if (broken.isPresent()) {
                throw new StreamFailedException("stream " + streamId + " cannot complete: " + broken.get());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StreamFailedException(
                        "stream " + streamId + " not fully in memory after " + timeout + "; last: " + reply.body());
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
