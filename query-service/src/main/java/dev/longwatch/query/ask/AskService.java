package dev.longwatch.query.ask;

import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.llm.ChatPrompt;
import dev.longwatch.query.llm.ChatResponse;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.proto.MemorySnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers a question from one stream's memory: with a {@link ChatModel} the memory's keyframes
 * go to the model and the spans it cites become the evidence; without one, every slot in the
 * window is the evidence and the answer says that no model is configured.
 */
public final class AskService {
    /** Questions longer than this are refused (they would crowd out the images). */
    public static final int MAX_QUESTION_CHARS = 2000;

    private final MemoryViews views;
    private final Optional<ChatModel> model;
    private final Counter llmCalls;
    private final Counter llmErrors;

    public AskService(MemoryViews views, Optional<ChatModel> model, MeterRegistry metrics) {
        this.views = views;
        this.model = model;
        this.llmCalls = metrics.counter("longwatch.llm.calls");
        this.llmErrors = metrics.counter("longwatch.llm.errors");
    }

    /**
     * @throws ChatModelException if the model fails; the caller reports it, nothing is retried here
     */
    public AskResult ask(MemorySnapshot memory, String question, TimeWindow window) {
        List<SlotSpan> slots = SlotSpan.of(memory, window);
        if (slots.isEmpty()) {
            return new AskResult(
                    "The memory holds no slots in the requested window, so there is nothing to"
                            + " answer from.",
                    List.of(),
                    memory.getVersion(),
                    Optional.empty());
        }
        if (model.isEmpty()) {
            return new AskResult(evidenceOnlyAnswer(slots), slots, memory.getVersion(), Optional.empty());
        }
        ChatPrompt prompt =
                MemoryPrompt.build(
                        slots,
                        slot -> views.frameJpeg(memory.getStreamId(), slot.keyframeSeq()),
                        question);
        ChatResponse response;
        llmCalls.increment();
        try {
            response = model.get().generate(prompt);
        } catch (ChatModelException e) {
            llmErrors.increment();
            throw e;
        }
        return new AskResult(
                response.text(),
                EvidenceSpans.cited(response.text(), slots),
                memory.getVersion(),
                Optional.of(new AskResult.LlmCall(response.model(), response.latencyMs())));
    }

    static String evidenceOnlyAnswer(List<SlotSpan> slots) {
        double from = slots.get(0).startSec();
        double to = slots.stream().mapToDouble(SlotSpan::endSec).max().orElse(from);
        return String.format(
                Locale.ROOT,
                "No language model is configured (set LONGWATCH_LLM_URL and LONGWATCH_LLM_MODEL);"
                        + " evidence only: the memory holds %d %s covering %.1f s to %.1f s.",
                slots.size(),
                slots.size() == 1 ? "slot" : "slots",
                from,
                to);
    }
}
