package dev.longwatch.query.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.cluster.StreamOwners.Peer;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends a stream's request to the instance that owns the stream's partitioned views, the way
 * KSE's interactive-query services hop to the owner: the caller's method, path, query, body and
 * {@code Authorization} go along unchanged (the owner checks the token again), and the owner's
 * status, type and body come back as they are.
 *
 * <p>A forwarded request carries {@value #HOP_HEADER}. An instance that receives one for a
 * stream it does not own (ownership moved while the request was on its way) answers 503 {@code
 * not_owner} instead of forwarding again, so a request never travels in a loop.
 */
final class OwnerRouting {
    /** Marks a request forwarded by another instance; its value is the sender, for logs. */
    static final String HOP_HEADER = "X-Longwatch-Forwarded-By";
    private static final String[] PASSED_HEADERS = {"Authorization", "Content-Type", "Accept"};

    private final StreamOwners owners;
    private final PeerClient peers;
    private final String self;
    private final ObjectMapper json;
    private final Counter forwarded;
    private final Counter failed;

    OwnerRouting(StreamOwners owners, PeerClient peers, String self, ObjectMapper json, MeterRegistry metrics) {
        this.owners = owners;
        this.peers = peers;
        this.self = self;
        this.json = json;
        this.forwarded =
                Counter.builder("longwatch.query.forwarded.requests")
                        .description("Requests answered by forwarding them to the instance that owns the stream")
                        .register(metrics);
        this.failed =
                Counter.builder("longwatch.query.forward.failures")
                        .description("Forwards that got no answer from the owner (503 owner_unavailable)")
                        .register(metrics);
    }

    /** True when this request came from another instance. */
    static boolean isForwarded(Context ctx) {
        return ctx.header(HOP_HEADER) != null;
    }

    /**
     * Answers {@code ctx} from the owner of {@code streamId} if that is another instance.
     *
     * @return true if the request was forwarded and {@code ctx} holds the owner's answer; false if
     *     this instance owns the stream and should answer itself
     */
    boolean forwardedToOwner(Context ctx, String streamId) {
        Optional<Peer> owner = owners.remoteOwner(streamId);
        if (owner.isEmpty()) {
            return false;
        }
        if (isForwarded(ctx)) {
            ctx.header("Retry-After", "1");
            throw new ApiException(
                    503,
                    "not_owner",
                    "stream '" + streamId + "' is moving between instances (forwarded by " + ctx.header(HOP_HEADER)
                            + ", owned by " + owner.get() + "); retry");
        }
        String query = ctx.queryString();
        PeerClient.Reply reply =
                call(owner.get(), ctx.method().name(), ctx.path() + (query == null ? "" : "?" + query), ctx.bodyAsBytes(), ctx);
        forwarded.increment();
        ctx.status(reply.status());
        reply.headers().forEach(ctx::header);
        ctx.result(reply.body());
        return true;
    }

    /**
     * {@code GET /v1/streams} of every other instance, each listing the streams it owns: the
     * caller's token goes along, so each lists only what the caller may see.
     */
    List<ApiJson.Stream> streamsOfPeers(Context ctx) {
        List<ApiJson.Stream> out = new ArrayList<>();
        for (Peer peer : owners.peers()) {
            PeerClient.Reply reply = call(peer, "GET", "/v1/streams", new byte[0], ctx);
            if (reply.status() != 200) {
                failed.increment();
                throw new PeerUnavailableException(
                        "instance " + peer + " answered " + reply.status() + " to the stream list: "
                                + new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8), null);
            }
            try {
                out.addAll(json.readValue(reply.body(), ApiJson.StreamList.class).streams());
            } catch (IOException e) {
                throw new PeerUnavailableException("instance " + peer + " sent an unreadable stream list", e);
            }
            forwarded.increment();
        }
        return out;
    }

    /** True when {@code streamId} is owned here; throws 503 while nobody is known to own it. */
    boolean ownedHere(String streamId) {
        return owners.remoteOwner(streamId).isEmpty();
    }

    private PeerClient.Reply call(Peer peer, String method, String pathAndQuery, byte[] body, Context ctx) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : PASSED_HEADERS) {
            String value = ctx.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        headers.put(HOP_HEADER, self);
        try {
            return peers.send(peer, method, pathAndQuery, body, headers);
        } catch (PeerUnavailableException e) {
            failed.increment();
            throw e;
        }
    }
}
