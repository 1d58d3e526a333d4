package dev.longwatch.query.http;

import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.schema.StreamIds;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code GET /v1/frames/{streamId}/{seq}.jpg}: the JPEG of one sampled frame. */
final class FrameResource {
    private final MemoryViews views;
    private final OwnerRouting routing;

    FrameResource(MemoryViews views, OwnerRouting routing) {
        this.views = views;
        this.routing = routing;
    }

    void routing(RoutesConfig routes) {
        routes.get("/v1/frames/{streamId}/{file}", this::frame);
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
        long seq;
        try {
            seq = Long.parseLong(file.substring(0, file.length() - ".jpg".length()));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_seq", "frame number must be an integer: " + file);
        }
        byte[] jpeg =
                views.frameJpeg(streamId, seq)
                        .orElseThrow(() -> ApiException.notFound("no frame " + seq + " of stream '" + streamId + "'"));
        // A frame never changes once written, so clients may cache it for good.
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.contentType("image/jpeg").result(jpeg);
    }
}
