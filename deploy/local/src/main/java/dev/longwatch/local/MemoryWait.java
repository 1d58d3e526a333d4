package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Polls {@code GET /v1/streams/{id}} until ingest has read the whole file and every frame it
 * produced is in the memory bank, handing each state it sees to a progress listener.
 */
final class MemoryWait {
    private static final Duration POLL = Duration.ofMillis(250);

    private final ApiClient api;
    private final String streamId;
    private final Duration timeout;
    private final Supplier<Optional<String>> fault;
    private final Consumer<JsonNode> onUpdate;

    /**
     * @param fault says what has broken in the stack, if anything, so the wait ends early
     * @param onUpdate sees every state of the stream, for progress
     */
    MemoryWait(
            ApiClient api,
            String streamId,
            Duration timeout,
            Supplier<Optional<String>> fault,
            Consumer<JsonNode> onUpdate) {
        this.api = api;
        this.streamId = streamId;
        this.timeout = timeout;
        this.fault = fault;
        this.onUpdate = onUpdate;
    }

    static final class StreamFailedException extends RuntimeException {
        StreamFailedException(String message) {
            super(message);
        }
    }

    /** @return the stream's last state, once complete and fully in memory */
    JsonNode untilComplete() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            ApiClient.Reply reply = api.get("/v1/streams/" + streamId);
            if (reply.status() == 200) {
                JsonNode stream = reply.json();
                onUpdate.accept(stream);
                if ("FAILED".equals(stream.path("state").asText())) {
                    throw new StreamFailedException(
                            "stream " + streamId + " failed: " + stream.path("error").asText());
                }
                if (isComplete(stream)) {
                    return stream;
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

    static boolean isComplete(JsonNode stream) {
        long produced = stream.path("framesProduced").asLong();
        return "COMPLETED".equals(stream.path("state").asText())
                && produced > 0
                && stream.path("framesInMemory").asLong() >= produced;
    }

    /** A fault check for a client of a remote stack, which cannot see inside it. */
    static Optional<String> noFault() {
        return Optional.empty();
    }
}
