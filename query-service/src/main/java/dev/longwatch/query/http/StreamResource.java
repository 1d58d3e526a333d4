package dev.longwatch.query.http;

import dev.longwatch.query.ask.SlotSpan;
import dev.longwatch.query.ask.TimeWindow;
import dev.longwatch.query.config.TenantLimits;
import dev.longwatch.query.registry.StreamRegistry;
import dev.longwatch.query.subscriptions.SubscriptionRegistry;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamState;
import dev.longwatch.schema.proto.StreamStatus;
import dev.longwatch.schema.proto.Subscription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** {@code /v1/streams}: register, list, show and delete streams, and show a stream's memory. */
final class StreamResource {
    /** Ingest samples at most this often; more would only fill the memory with near-duplicates. */
    static final double MAX_SAMPLE_FPS = 60;
    static final double DEFAULT_SAMPLE_FPS = 1.0;

    private final MemoryViews views;
    private final StreamRegistry registry;
    private final RequestBodies bodies;
    private final Clock clock;
    private final OwnerRouting routing;
    private final SubscriptionRegistry subscriptions;
    private final TenantLimits limits;

    StreamResource(
            MemoryViews views,
            StreamRegistry registry,
            SubscriptionRegistry subscriptions,
            RequestBodies bodies,
            Clock clock,
            OwnerRouting routing,
            TenantLimits limits) {
        this.views = views;
        this.routing = routing;
        this.subscriptions = subscriptions;
        this.limits = limits;
        this.registry = registry;
        this.bodies = bodies;
        this.clock = clock;
    }

    void routing(RoutesConfig routes) {
        routes.post("/v1/streams", this::create);
        routes.get("/v1/streams", this::list);
        routes.get("/v1/streams/{id}", this::get);
        routes.delete("/v1/streams/{id}", this::delete);
        routes.get("/v1/streams/{id}/memory", this::memory);
    }

    private void create(Context ctx) {
        ApiJson.CreateStream request = bodies.read(ctx, ApiJson.CreateStream.class);
        if (!StreamIds.isValid(request.id())) {
            throw ApiException.badRequest(
                    "invalid_id",
                    "invalid stream id '" + request.id() + "': 1-64 characters of letters, digits,"
                            + " '.', '_' or '-', starting with a letter or digit");
        }
        AuthFilter.requireVisible(ctx, request.id());
        SourceUris.check(request.uri());
        double fps = sampleFps(request.sampleFps());
        // Read-your-writes is not guaranteed: two racing POSTs of one id may both pass this check
        // before the view sees either; the later spec then wins on the compacted topic.
        if (views.spec(request.id()).isPresent()) {
            throw new ApiException(409, "stream_exists", "stream '" + request.id() + "' already exists");
        }
        requireRoomForAStream(ctx);
        StreamSpec spec =
                StreamSpec.newBuilder()
                        .setId(request.id())
                        .setUri(request.uri())
                        .setSampleFps(fps)
                        .setEnabled(true)
                        .setCreatedMs(clock.millis())
                        .build();
        registry.put(spec);
        ctx.status(201).header("Location", "/v1/streams/" + spec.getId());
        ctx.json(view(spec, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /**
     * Every spec is on every instance, but a stream's memory only on its owner: each instance
     * shows the streams it owns, and the one asked gathers the others' (a forwarded list request
     * answers for its own streams only).
     */
    private void list(Context ctx) {
        List<ApiJson.Stream> streams = new ArrayList<>();
        for (StreamSpec spec : views.specs()) {
            if (AuthFilter.access(ctx).canSee(spec.getId()) && routing.ownedHere(spec.getId())) {
                streams.add(view(spec));
            }
        }
        if (!OwnerRouting.isForwarded(ctx)) {
            streams.addAll(routing.streamsOfPeers(ctx));
            streams.sort(Comparator.comparing(ApiJson.Stream::id));
        }
        ctx.json(new ApiJson.StreamList(streams));
    }

    private void get(Context ctx) {
        StreamSpec spec = requireSpec(ctx, ctx.pathParam("id"));
        if (routing.forwardedToOwner(ctx, spec.getId())) {
            return;
        }
        ctx.json(view(spec));
    }

    /** The sample rate asked for, or the default; 400 unless within (0, {@value #MAX_SAMPLE_FPS}]. */
    static double sampleFps(Double requested) {
        double fps = requested == null ? DEFAULT_SAMPLE_FPS : requested;
        if (!(fps > 0 && fps <= MAX_SAMPLE_FPS)) {
            throw ApiException.badRequest(
                    "invalid_sample_fps", "'sampleFps' must be > 0 and <= " + MAX_SAMPLE_FPS + ", got " + fps);
        }
        return fps;
    }

    /**
     * 429 when the caller's tenant has {@code limits.streams()} streams already: the streams its
     * scope can see, on every instance alike (lw.streams is a global table). Like the 409 check,
     * two racing POSTs may both pass.
     */
    private void requireRoomForAStream(Context ctx) {
        var access = AuthFilter.access(ctx);
        long held = views.specs().stream().filter(s -> access.canSee(s.getId())).count();
        if (held >= limits.streams()) {
            throw ApiException.tooMany(
                    "too_many_streams",
                    "this tenant has " + held + " streams; the limit is " + limits.streams()
                            + ": delete one first",
                    60);
        }
    }

    /**
     * Deleting means gone: the spec's tombstone stops ingest and ends the memory job's bank, and
     * from then on the views show nothing of the stream (404); its subscriptions are tombstoned,
     * and so are its memory and chapters (the job does so too while it holds the bank). What is
     * left anywhere carries the deleted incarnation and never shows under a stream created again
     * with the same id. A failure after the spec's tombstone answers 503; leftovers stay hidden.
     */
    private void delete(Context ctx) {
        StreamSpec spec = requireSpec(ctx, ctx.pathParam("id"));
        String id = spec.getId();
        List<String> chapterKeys = views.chapterKeys(id);
        registry.delete(id);
        for (Subscription subscription : subscriptions.all()) {
            if (subscription.getStreamId().equals(id)) {
                subscriptions.delete(subscription.getId());
            }
        }
        registry.purge(id, chapterKeys);
        ctx.status(204);
    }

    private void memory(Context ctx) {
        String id = ctx.pathParam("id");
        AuthFilter.requireVisible(ctx, id);
        if (StreamIds.isValid(id) && routing.forwardedToOwner(ctx, id)) {
            return;
        }
        TimeWindow window =
                Windows.of(
                        Windows.seconds(ctx.queryParam("from"), "from"),
                        Windows.seconds(ctx.queryParam("to"), "to"));
        Optional<MemorySnapshot> memory = StreamIds.isValid(id) ? views.memory(id) : Optional.empty();
        if (memory.isEmpty()) {
            // A registered stream without memory yet is an empty memory, not an error.
            requireSpec(ctx, id);
            ctx.json(new ApiJson.Memory(id, 0, 0, List.of()));
            return;
        }
        MemorySnapshot snapshot = memory.get();
        List<ApiJson.Slot> slots =
                SlotSpan.of(snapshot, views.chapters(id), window).stream()
                        .map(s -> new ApiJson.Slot(
                                s.startSec(), s.endSec(), s.frames(),
                                ApiJson.frameUrl(id, snapshot.getIncarnation(), s.keyframeSeq())))
                        .toList();
        ctx.json(new ApiJson.Memory(id, snapshot.getVersion(), snapshot.getFramesSeen(), slots));
    }

    private StreamSpec requireSpec(Context ctx, String id) {
        AuthFilter.requireVisible(ctx, id);
        Optional<StreamSpec> spec = StreamIds.isValid(id) ? views.spec(id) : Optional.empty();
        return spec.orElseThrow(() -> ApiException.notFound("unknown stream '" + id + "'"));
    }

    private ApiJson.Stream view(StreamSpec spec) {
        String id = spec.getId();
        return view(spec, views.status(id), views.memory(id), views.chapter(id, 0));
    }

    /**
     * What the API shows of a stream. No status yet means no ingest instance has reported on it:
     * shown as PENDING.
     *
     * @param firstChapter the stream's sealed chapter 0, if any: where its memory begins
     */
    static ApiJson.Stream view(
            StreamSpec spec,
            Optional<StreamStatus> status,
            Optional<MemorySnapshot> memory,
            Optional<Chapter> firstChapter) {
        String state =
                status.map(StreamStatus::getState)
                        .filter(s -> s != StreamState.STREAM_STATE_UNSPECIFIED && s != StreamState.UNRECOGNIZED)
                        .orElse(StreamState.PENDING)
                        .name();
        String error = status.map(StreamStatus::getError).filter(e -> !e.isEmpty()).orElse(null);
        return new ApiJson.Stream(
                spec.getId(),
                SourceUris.redact(spec.getUri()),
                spec.getSampleFps(),
                state,
                error,
                status.map(StreamStatus::getFramesProduced).orElse(0L),
                memory.map(MemorySnapshot::getFramesSeen).orElse(0L),
                memory.map(m -> coverageSec(m, firstChapter)).orElse(0.0),
                memory.map(MemorySnapshot::getVersion).orElse(null),
                status.map(StreamStatus::getLastPtsMs).orElse(0L) / 1000.0,
                status.map(StreamStatus::getDurationMs).orElse(0L) / 1000.0);
    }

    /**
     * Length of media time the memory spans: from the first slot of the stream (chapter 0's first
     * slot once a chapter is sealed, else the current bank's) to the last slot end of the current
     * bank. The current bank alone holds only the open chapter (at most the chapter length, 600 s
     * by default), so it says nothing of the hours sealed before it.
     */
    static double coverageSec(MemorySnapshot memory, Optional<Chapter> firstChapter) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (Slot slot : memory.getSlotsList()) {
            start = Math.min(start, slot.getStartMs());
            end = Math.max(end, slot.getEndMs());
        }
        for (Slot slot : firstChapter.map(Chapter::getSlotsList).orElse(List.of())) {
            start = Math.min(start, slot.getStartMs());
            end = Math.max(end, slot.getEndMs());
        }
        return end < start ? 0 : (end - start) / 1000.0;
    }
}
