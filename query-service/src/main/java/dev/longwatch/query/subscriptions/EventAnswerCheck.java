package dev.longwatch.query.subscriptions;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.EventAnswer;

/**
 * Whether the bytes of an lw.event-answers record are an answer SSE clients can be sent: a
 * parseable {@link EventAnswer} with an id, a subscription, a valid stream id and finite evidence
 * times, of at most
 * {@value #MAX_BYTES} bytes (an answer is a sentence or two and a few spans; the standing-questions
 * app never writes more, and one client event of megabytes would stall every client's stream).
 */
public final class EventAnswerCheck {
    public static final int MAX_BYTES = 256 * 1024;

    private EventAnswerCheck() {}

    /** The answer, or why the bytes are not one: exactly one is non-null. */
    public record Checked(EventAnswer answer, String refusal) {}

    public static Checked check(byte[] value) {
        if (value.length > MAX_BYTES) {
            return refused("oversized: " + value.length + " bytes; an event answer has at most " + MAX_BYTES);
        }
        EventAnswer answer;
        try {
            answer = EventAnswer.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return refused("not an EventAnswer: " + e.getMessage());
        }
        if (answer.getId().isBlank() || answer.getSubscriptionId().isBlank()) {
            return refused("event answer without id or subscription id");
        }
        if (!StreamIds.isValid(answer.getStreamId())) {
            return refused("event answer with an invalid stream id");
        }
        if (answer.getEvidenceList().stream().anyMatch(e -> !Double.isFinite(e.getStartSec()) || !Double.isFinite(e.getEndSec()))) {
            // Jackson writes NaN as a bare token: the client's JSON.parse of the event would fail.
            return refused("event answer with evidence times that are not finite");
        }
        return new Checked(answer, null);
    }

    private static Checked refused(String reason) {
        return new Checked(null, reason);
    }
}
