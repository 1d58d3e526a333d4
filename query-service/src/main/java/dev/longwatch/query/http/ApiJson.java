package dev.longwatch.query.http;

import java.util.List;

/** The JSON bodies of the HTTP API (see design.md). Times are seconds from the first frame. */
public final class ApiJson {
    private ApiJson() {}

    /** {@code POST /v1/streams}. */
    public record CreateStream(String id, String uri, Double sampleFps) {}

    /** A stream as {@code GET /v1/streams[/{id}]} shows it. */
    public record Stream(
            String id,
            String uri,
            double sampleFps,
            String state,
            String error,
            long framesProduced,
            long framesInMemory,
            double coverageSec,
            Long memoryVersion,
            // Ingest's position in the media and the media's length (0 when unknown, as for
            // live sources): what a client needs to show progress on a file.
            double lastPtsSec,
            double durationSec) {}

    /** {@code GET /v1/streams}. */
    public record StreamList(List<Stream> streams) {}

    public record Slot(double startSec, double endSec, long frames, String keyframeUrl) {}

    /** {@code GET /v1/streams/{id}/memory}. */
    public record Memory(String streamId, long version, long framesSeen, List<Slot> slots) {}

    /** {@code POST /v1/streams/{id}/ask}. */
    public record Ask(String question, Double fromSec, Double toSec) {}

    public record Evidence(double startSec, double endSec, String keyframeUrl) {}

    public record Llm(String model, long latencyMs) {}

    public record Answer(String answer, List<Evidence> evidence, long memoryVersion, Llm llm) {}

    /** {@code POST /v1/subscriptions}. */
    public record CreateSubscription(String streamId, String question, Integer cooldownSec) {}

    /** A standing question; {@code note} says why it is not evaluated, if it is not. */
    public record SubscriptionView(
            String id, String streamId, String question, int cooldownSec, boolean evaluated, String note) {}

    /** The {@code data:} of an SSE {@code answer} event. */
    public record EventAnswerView(
            String id, String subscriptionId, String streamId, double atSec, String answer, List<Evidence> evidence) {
        public static EventAnswerView of(dev.longwatch.schema.proto.EventAnswer a) {
            return new EventAnswerView(
                    a.getId(),
                    a.getSubscriptionId(),
                    a.getStreamId(),
                    a.getAtMs() / 1000.0,
                    a.getAnswer(),
                    a.getEvidenceList().stream()
                            .map(e -> new Evidence(
                                    e.getStartSec(),
                                    e.getEndSec(),
                                    frameUrl(a.getStreamId(), a.getStreamIncarnation(), e.getKeyframeSeq())))
                            .toList());
        }
    }

    /** The body of every 4xx/5xx. */
    public record Error(Detail error) {
        public static Error of(String code, String message) {
            return new Error(new Detail(code, message));
        }
    }

    public record Detail(String code, String message) {}

    public record Status(String status) {}

    /**
     * Where the JPEG of frame {@code seq} of the stream incarnation {@code incarnation} is served.
     * The incarnation makes the URL one stream's for good: a stream created again under the same
     * id has other keyframe URLs, so nothing cached under the old ones can stand for its frames.
     */
    public static String frameUrl(String streamId, long incarnation, long seq) {
        return "/v1/frames/" + streamId + "/" + incarnation + "/" + seq + ".jpg";
    }

    /** The frame number in a {@link #frameUrl}. */
    static long keyframeSeq(String frameUrl) {
        int slash = frameUrl.lastIndexOf('/');
        if (slash < 0 || !frameUrl.endsWith(".jpg")) {
            throw new IllegalArgumentException("not a keyframe URL: '" + frameUrl + "'");
        }
        return Long.parseLong(frameUrl.substring(slash + 1, frameUrl.length() - ".jpg".length()));
    }

    /** The stream incarnation in a {@link #frameUrl}. */
    static long keyframeIncarnation(String frameUrl) {
        int slash = frameUrl.lastIndexOf('/');
        int before = slash <= 0 ? -1 : frameUrl.lastIndexOf('/', slash - 1);
        if (before < 0) {
            throw new IllegalArgumentException("not a keyframe URL: '" + frameUrl + "'");
        }
        return Long.parseLong(frameUrl.substring(before + 1, slash));
    }
}
