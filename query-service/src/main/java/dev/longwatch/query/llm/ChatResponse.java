package dev.longwatch.query.llm;

import java.util.Objects;

/**
 * What a {@link ChatModel} answered.
 *
 * @param text the answer text
 * @param model the model that answered, as reported by the server
 * @param finishReason why generation stopped
 * @param promptTokens tokens in the prompt, -1 if the server did not say
 * @param completionTokens tokens generated, -1 if the server did not say
 * @param latencyMs wall time of the call including retries
 */
public record ChatResponse(
        String text,
        String model,
        FinishReason finishReason,
        long promptTokens,
        long completionTokens,
        long latencyMs) {

    public ChatResponse {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** Why the model stopped generating. */
    public enum FinishReason {
        /** Natural end of the answer. */
        STOP,
        /** Token limit reached: the answer may be cut off. */
        LENGTH,
        /** The server's content filter removed or stopped the answer. */
        CONTENT_FILTER,
        /** Anything else (tool calls, unknown values). */
        OTHER
    }
}
