package dev.longwatch.query.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.ask.AskService;
import dev.longwatch.query.ask.EvidenceSpans;
import dev.longwatch.query.ask.MemoryPrompt;
import dev.longwatch.query.ask.SlotSpan;
import dev.longwatch.query.ask.TimeWindow;
import dev.longwatch.query.llm.ChatModelException;
import dev.longwatch.query.llm.ChatPrompt;
import dev.longwatch.query.llm.ChatResponse;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.proto.EventAnswer;
import dev.longwatch.schema.proto.EvidenceSpan;
import dev.longwatch.schema.proto.MemoryEvent;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Subscription;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asks the model one standing question about a stream's memory after a change, and turns a match
 * into an {@link EventAnswer}. The model must reply in the JSON schema {@link #SCHEMA}
 * ({@code {"match","answer","time"}}); a reply that does not is a {@link ChatModelException}.
 * The answer id is {@code subscriptionId@eventPtsMs}: evaluating the same event again (at-least-once
 * redelivery) gives the same id, so clients dedupe.
 */
public final class StandingEvaluator {
    static final String SYSTEM =
            "You watch the memory of a video stream, shown as time-stamped keyframes: each slot is"
                    + " a marker such as \"Slot 3: <t=12.0s> to <t=18.0s> (6 frames)\" followed by its"
                    + " keyframe; <t=12.0s> is a time in seconds from the stream's first frame. A"
                    + " standing question is evaluated each time something changes in the stream."
                    + " Reply with JSON only: {\"match\": true if the keyframes show what the question"
                    + " asks about, \"answer\": one or two sentences, \"time\": the time in seconds of"
                    + " the matching moment, or null}.";
    static final ChatPrompt.ResponseSchema SCHEMA =
            new ChatPrompt.ResponseSchema(
                    "standing_answer",
                    Map.of(
                            "type", "object",
                            "properties",
                                    Map.of(
                                            "match", Map.of("type", "boolean"),
                                            "answer", Map.of("type", "string"),
                                            "time", Map.of("type", List.of("number", "null"))),
                            "required", List.of("match", "answer", "time"),
                            "additionalProperties", false));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MemoryViews views;
    private final AskService asks;

    public StandingEvaluator(MemoryViews views, AskService asks) {
        this.views = views;
        this.asks = asks;
    }

    /** What the model made of one change: a match to publish, or nothing. */
    public Optional<EventAnswer> evaluate(Subscription subscription, MemorySnapshot memory, MemoryEvent event) {
        List<SlotSpan> slots = SlotSpan.of(memory, TimeWindow.ALL);
        List<ChatPrompt.Part> parts =
                MemoryPrompt.memoryParts(
                        slots, slot -> views.frameJpeg(memory.getStreamId(), memory.getIncarnation(), slot.keyframeSeq()));
        parts.add(
                new ChatPrompt.Text(
                        "A change (" + event.getKind() + ") was detected at "
                                + MemoryPrompt.timeToken(event.getPtsMs() / 1000.0)
                                + ". Standing question: " + subscription.getQuestion()));
        ChatResponse response = asks.generate(new ChatPrompt(SYSTEM, parts, Optional.of(SCHEMA)));
        Reply reply = parse(response.text());
        if (!reply.match()) {
            return Optional.empty();
        }
        double atSec = reply.timeSec().orElse(event.getPtsMs() / 1000.0);
        EventAnswer.Builder answer =
                EventAnswer.newBuilder()
                        .setId(subscription.getId() + "@" + event.getPtsMs())
                        .setSubscriptionId(subscription.getId())
                        .setStreamId(subscription.getStreamId())
                        .setStreamIncarnation(memory.getIncarnation())
                        .setAtMs(Math.round(atSec * 1000))
                        .setAnswer(reply.answer());
        for (SlotSpan slot : evidence(reply, atSec, slots)) {
            answer.addEvidence(
                    EvidenceSpan.newBuilder()
                            .setStartSec(slot.startSec())
                            .setEndSec(slot.endSec())
                            .setKeyframeSeq(slot.keyframeSeq()));
        }
        return Optional.of(answer.build());
    }

    /** The slots holding the matching moment, plus any the answer cites; invented spans drop out. */
    private static List<SlotSpan> evidence(Reply reply, double atSec, List<SlotSpan> slots) {
        Set<SlotSpan> out = new LinkedHashSet<>();
        for (SlotSpan slot : slots) {
            if (slot.startSec() <= atSec && atSec <= slot.endSec()) {
                out.add(slot);
                break;
            }
        }
        out.addAll(EvidenceSpans.cited(reply.answer(), slots));
        return List.copyOf(out);
    }

    /** The model's reply, read from the schema's fields. */
    record Reply(boolean match, String answer, Optional<Double> timeSec) {}

    static Reply parse(String text) {
        String json = text.strip();
        // Some servers wrap JSON in a Markdown fence even in JSON mode.
        if (json.startsWith("```")) {
            json = json.replaceFirst("^```(?:json)?\\s*", "").replaceFirst("\\s*```$", "");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new ChatModelException("standing answer is not JSON: " + abbreviate(text), e);
        }
        if (node == null
                || !node.path("match").isBoolean()
                || !node.path("answer").isTextual()
                || !(node.path("time").isNumber() || node.path("time").isNull() || node.path("time").isMissingNode())) {
            throw new ChatModelException(
                    "standing answer does not follow the schema {match: boolean, answer: string, time: number|null}: "
                            + abbreviate(text));
        }
        Optional<Double> time =
                node.path("time").isNumber() && node.path("time").asDouble() >= 0
                        ? Optional.of(node.path("time").asDouble())
                        : Optional.empty();
        return new Reply(node.path("match").asBoolean(), node.path("answer").asText(), time);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
