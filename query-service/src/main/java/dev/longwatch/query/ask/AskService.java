package dev.longwatch.query.ask;

import dev.longwatch.query.llm.ChatModel;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.llm.ChatPrompt;
import dev.longwatch.query.llm.ChatResponse;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers a question from one stream's memory: with a {@link ChatModel} the memory's keyframes
 * go to the model and the spans it cites become the evidence; without one, every slot in the
 * window is the evidence and the answer says that no model is configured.
 *
 * <p>A window is answered from the stream's sealed chapters and its current bank, merged down to
 * M slots ({@link WindowSlots}).
 *
 * <p>Model answers are cached by (stream, incarnation, memory version, chapter count, window,
 * question), and at most {@code maxConcurrent} model calls run at once (more get {@link ModelBusyException}).
 * Timeouts and retries with backoff are the model client's ({@code OpenAiChatModel}).
 *
 * <p>Both caches ({@link OncePerKeyCache}: the answers, and the slots a window merges to) hold
 * values that never go stale: a memory snapshot never changes once versioned and a sealed chapter
 * never changes, so a new version or a newly sealed chapter is a new key and old keys age out.
 * An identical ask that arrives while the first is with the model waits for that answer.
 */
public final class AskService {
    /** Questions longer than this are refused (they would crowd out the images). */
    public static final int MAX_QUESTION_CHARS = 2000;
    /** How many model answers are kept, and how many merged windows. */
    public static final int CACHE_ENTRIES = 1024;
    /** How long a question waits for a free model slot before 503. */
    public static final Duration SLOT_WAIT = Duration.ofSeconds(1);

    private final MemoryViews views;
    private final Optional<ChatModel> model;
    private final Counter llmCalls;
    private final Counter llmErrors;
    private final ModelSlots modelSlots;
    private final OncePerKeyCache<AnswerKey, AskResult> answers;
    // The slots of recent windows, so that asking about the same window again (another question,
    // another client) does not merge hundreds of chapter slots down to M again: over 10 h that
    // merge is most of an ask's time when the model answers fast.
    private final OncePerKeyCache<WindowKey, List<SlotSpan>> windows;

    /**
     * What identifies an answer.
     *
     * @param chapters how many sealed chapters the answer's slots were merged from
     */
    // The incarnation in both keys: a stream created again under the same id starts its versions
    // anew, and must not get its predecessor's answers or windows.
    private record AnswerKey(
            String streamId, long incarnation, long memoryVersion, int chapters, TimeWindow window, String question) {}

    /** What the merge of a window reads: the snapshot and the chapters (count and newest index). */
    private record WindowKey(
            String streamId, long incarnation, long memoryVersion, int chapters, long lastChapter, TimeWindow window) {}

    public AskService(MemoryViews views, Optional<ChatModel> model, MeterRegistry metrics) {
        this(views, model, metrics, new ModelSlots(4, SLOT_WAIT));
    }

    /** @param slots shared by every model call of this service (asks and standing questions) */
    public AskService(MemoryViews views, Optional<ChatModel> model, MeterRegistry metrics, ModelSlots slots) {
        this.views = views;
        this.model = model;
        this.modelSlots = slots;
        this.llmCalls = metrics.counter("longwatch.llm.calls");
        this.llmErrors = metrics.counter("longwatch.llm.errors");
        this.answers = new OncePerKeyCache<>("ask.answers", CACHE_ENTRIES, metrics);
        this.windows = new OncePerKeyCache<>("ask.windows", CACHE_ENTRIES, metrics);
        FunctionCounter.builder("longwatch.ask.cache.hits", answers, OncePerKeyCache::hits)
                .description("asks answered from the answer cache, or from an identical ask in flight")
                .register(metrics);
    }

    /** The model behind this service, if any. */
    public Optional<ChatModel> model() {
        return model;
    }

    /** The concurrency limit every model call goes through. */
    public ModelSlots slots() {
        return modelSlots;
    }

    /**
     * One model call under the concurrency limit, counted in the metrics.
     *
     * @throws ModelBusyException when no slot frees up in time
     * @throws IllegalStateException without a model
     */
    public ChatResponse generate(ChatPrompt prompt) {
        ChatModel chat = model.orElseThrow(() -> new IllegalStateException("no language model configured"));
        return modelSlots.call(
                () -> {
                    llmCalls.increment();
                    try {
                        return chat.generate(prompt);
                    } catch (ChatModelException e) {
                        llmErrors.increment();
                        throw e;
                    }
                });
    }

    /**
     * @throws ChatModelException if the model fails; the caller reports it, nothing is retried here
     */
    public AskResult ask(MemorySnapshot memory, String question, TimeWindow window) {
        List<Chapter> chapters = views.chapters(memory.getStreamId());
        long lastChapter = chapters.isEmpty() ? -1 : chapters.get(chapters.size() - 1).getIndex();
        List<SlotSpan> slots =
                windows.get(
                        new WindowKey(
                                memory.getStreamId(), memory.getIncarnation(), memory.getVersion(), chapters.size(),
                                lastChapter, window),
                        () -> List.copyOf(SlotSpan.of(memory, chapters, window)));
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
        AnswerKey key =
                new AnswerKey(
                        memory.getStreamId(), memory.getIncarnation(), memory.getVersion(), chapters.size(), window,
                        question);
        return answers.get(key, () -> answer(memory, question, slots));
    }

    /** One model call for {@code question} over {@code slots}; the evidence is what it cites. */
    private AskResult answer(MemorySnapshot memory, String question, List<SlotSpan> slots) {
        ChatPrompt prompt =
                MemoryPrompt.build(
                        slots,
                        slot -> views.frameJpeg(memory.getStreamId(), memory.getIncarnation(), slot.keyframeSeq()),
                        question);
        ChatResponse response = generate(prompt);
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
