package dev.longwatch.query.http;

import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code GET /v1/frames/{streamId}/{incarnation}/{seq}.jpg}: the JPEG of one sampled frame of one
 * stream incarnation ({@link ApiJson#frameUrl}). A frame of a deleted stream, or of a deleted
 * predecessor of the stream with the same id, is 404 as soon as the deletion is in the views.
 */
final class FrameResource {
    /**
     * Browsers may keep a frame a minute (privately: the URL may carry {@code access_token}), not
     * for good: after a deletion it must be gone from their caches soon too.
     */
    static final String CACHE_CONTROL = "private, max-age=60";

    private final MemoryViews views;
    private final OwnerRouting routing;

    FrameResource(MemoryViews views, OwnerRouting routing) {
        this.views = views;
        this.routing = routing;
    }

    void routing(RoutesConfig routes) {
        routes.get("/v1/frames/{streamId}/{incarnation}/{file}", this::frame);
    }

    private void frame(Context ctx) {
        String streamId = ctx.pathParam("streamId");
        String file = ctx.pathParam("file");
        if (!StreamIds.isValid(streamId) || !file.endsWith(".jpg")) {
            throw ApiException.notFound("no frame at " + ctx.path());
        }
        AuthFilter.requireVisible(ctx, streamId);
        if (routing.forwardedToOwner(ctx, streamId)) {
            return;
        }
        long incarnation = number(ctx.pathParam("incarnation"), "stream incarnation");
        long seq = number(file.substring(0, file.length() - ".jpg".length()), "frame number");
        byte[] jpeg =
                views.frameJpeg(streamId, incarnation, seq)
                        .orElseThrow(() -> ApiException.notFound(
                                "no frame " + seq + " of stream '" + streamId + "' (incarnation " + incarnation + ")"));
        ctx.header("Cache-Control", CACHE_CONTROL);
        ctx.contentType("image/jpeg").result(jpeg);
    }

    private static long number(String text, String what) {
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_seq", what + " must be a non-negative integer: '" + text + "'");
        }
    }
}
