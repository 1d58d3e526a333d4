package dev.longwatch.query.llm;

import java.io.Closeable;

/**
 * A multimodal chat model: a system text plus a user turn made of text and images in, one
 * answer out. Shaped like Jlama's {@code Generator}: one blocking call returning a response
 * record with the finish reason, token counts and timing; {@link #close()} releases the client.
 *
 * <p>Implementations must be safe for concurrent {@link #generate} calls (HTTP handlers share
 * one model) and must give up within their configured timeout rather than hang.
 */
public interface ChatModel extends Closeable {

    /** The model name as sent to the server, e.g. for the {@code llm.model} field of answers. */
    String model();

    /**
     * Generates one answer.
     *
     * @throws ChatModelException if the server cannot be reached, answers with an error, times
     *     out or replies with something that is not a chat completion
     */
    ChatResponse generate(ChatPrompt prompt);

    /** Releases connections; no exception, so callers can close in {@code finally}. */
    @Override
    void close();
}
