package dev.longwatch.query.ask;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a question about one stream's memory.
 *
 * @param answer the model's answer, or the evidence-only explanation
 * @param evidence slots the answer rests on, in time order
 * @param memoryVersion version of the memory snapshot the answer was computed from
 * @param llm which model answered; empty in evidence-only mode
 */
public record AskResult(
        String answer, List<SlotSpan> evidence, long memoryVersion, Optional<LlmCall> llm) {

    public AskResult {
        evidence = List.copyOf(evidence);
    }

    /** The model call behind an answer. */
    public record LlmCall(String model, long latencyMs) {}
}
