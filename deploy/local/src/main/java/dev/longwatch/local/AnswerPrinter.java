package dev.longwatch.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** Prints an ask response for a person, or as the raw JSON line for a program. */
final class AnswerPrinter {
    private AnswerPrinter() {}

    static void print(ApiClient.Reply reply, boolean json) {
        if (json) {
            System.out.println(reply.json().toString());
            return;
        }
        JsonNode answer = reply.json();
        System.out.println("Answer: " + answer.path("answer").asText());
        JsonNode llm = answer.path("llm");
        System.out.println(
                llm.isNull() || llm.isMissingNode()
                        ? "Model: none (evidence-only mode)"
                        : "Model: " + llm.path("model").asText() + " in " + llm.path("latencyMs").asLong() + " ms");
        System.out.println("Evidence (memory version " + answer.path("memoryVersion").asLong() + "):");
        for (JsonNode span : answer.path("evidence")) {
            System.out.printf(
                    Locale.ROOT,
                    "  %8.1fs - %8.1fs  %s%n",
                    span.path("startSec").asDouble(),
                    span.path("endSec").asDouble(),
                    span.path("keyframeUrl").asText());
        }
    }
}
