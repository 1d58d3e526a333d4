package dev.longwatch.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.cluster.StreamOwners;
import dev.longwatch.query.cluster.StreamOwners.Peer;
import dev.longwatch.query.config.PeerSettings;
import dev.longwatch.query.views.MemoryViews;
import dev.longwatch.query.views.ViewsUnavailableException;
import dev.longwatch.schema.proto.Chapter;
import dev.longwatch.schema.proto.MemorySnapshot;
import dev.longwatch.schema.proto.Slot;
import dev.longwatch.schema.proto.StreamSpec;
import dev.longwatch.schema.proto.StreamStatus;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link MemoryViews} for code that runs outside an HTTP request and may meet any stream: a
 * stream's memory and keyframes are read locally when this instance owns them and otherwise from
 * the owner's HTTP API, as this instance ({@link PeerSettings#token()}). Standing questions need
 * it: the partitions of lw.events they consume are assigned independently of the views' partitions
 * of lw.memory, so the event for a stream usually arrives on an instance that does not hold its
 * memory. Global views (specs, statuses, chapters) are always local.
 *
 * <p>Reads carry the hop header, so an instance that no longer owns the stream answers 503 rather
 * than forwarding again; any failure is a {@link ViewsUnavailableException} with the reason.
 */
public final class PeerMemoryViews implements MemoryViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MemoryViews local;
    private final StreamOwners owners;
    private final PeerClient peers;
    private final PeerSettings settings;
    private final String instanceName;

    public PeerMemoryViews(MemoryViews local, StreamOwners owners, PeerSettings settings, String instanceName) {
        this(local, owners, new PeerClient(settings), settings, instanceName);
    }

    PeerMemoryViews(MemoryViews local, StreamOwners owners, PeerClient peers, PeerSettings settings, String instanceName) {
        this.local = local;
        this.owners = owners;
        this.peers = peers;
        this.settings = settings;
        this.instanceName = instanceName;
    }

    @Override
    public Optional<MemorySnapshot> memory(String streamId) {
        Optional<Peer> owner = owners.remoteOwner(streamId);
        if (owner.isEmpty()) {
            return local.memory(streamId);
        }
        PeerClient.Reply reply = get(owner.get(), "/v1/streams/" + encode(streamId) + "/memory", streamId);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        try {
            return Optional.of(snapshot(streamId, JSON.readTree(reply.body())));
        } catch (IOException | RuntimeException e) {
            throw new ViewsUnavailableException(
                    "instance " + owner.get() + " sent a memory of '" + streamId + "' that cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> frameJpeg(String streamId, long incarnation, long seq) {
        Optional<Peer> owner = owners.remoteOwner(streamId);
        if (owner.isEmpty()) {
            return local.frameJpeg(streamId, incarnation, seq);
        }
        PeerClient.Reply reply = get(owner.get(), ApiJson.frameUrl(streamId, incarnation, seq), streamId);
        return reply.status() == 404 ? Optional.empty() : Optional.of(reply.body());
    }

    @Override
    public List<Chapter> chapters(String streamId) {
        return local.chapters(streamId);
    }

    @Override
    public Optional<Chapter> chapter(String streamId, long index) {
        return local.chapter(streamId, index);
    }

    @Override
    public List<String> chapterKeys(String streamId) {
        return local.chapterKeys(streamId);
    }

    @Override
    public Optional<StreamSpec> spec(String streamId) {
        return local.spec(streamId);
    }

    @Override
    public Optional<StreamStatus> status(String streamId) {
        return local.status(streamId);
    }

    @Override
    public List<StreamSpec> specs() {
        return local.specs();
    }

    /** A 200 or a 404 from the owner; anything else is unavailable, with the owner's reason. */
    private PeerClient.Reply get(Peer owner, String path, String streamId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(OwnerRouting.HOP_HEADER, instanceName);
        settings.token().ifPresent(token -> headers.put("Authorization", "Bearer " + token));
        PeerClient.Reply reply;
        try {
            reply = peers.send(owner, "GET", path, new byte[0], headers);
        } catch (PeerUnavailableException e) {
            throw new ViewsUnavailableException(e.getMessage(), e);
        }
        if (reply.status() == 200 || reply.status() == 404) {
            return reply;
        }
        String hint =
                reply.status() == 401 || reply.status() == 403
                        ? " (set " + PeerSettings.ENV_PEER_TOKEN + " to a token whose scope is *)"
                        : "";
        throw new ViewsUnavailableException(
                "instance " + owner + " answered " + reply.status() + " for stream '" + streamId + "'" + hint + ": "
                        + new String(reply.body(), StandardCharsets.UTF_8),
                null);
    }

    /** The API's memory JSON back into the snapshot fields a prompt uses (spans, counts, keyframes). */
    static MemorySnapshot snapshot(String streamId, JsonNode json) {
        MemorySnapshot.Builder snapshot =
                MemorySnapshot.newBuilder()
                        .setStreamId(streamId)
                        .setVersion(json.path("version").asLong())
                        .setFramesSeen(json.path("framesSeen").asLong());
        for (JsonNode slot : json.path("slots")) {
            // Every keyframe URL of one memory names the same incarnation: the snapshot's.
            snapshot.setIncarnation(ApiJson.keyframeIncarnation(slot.path("keyframeUrl").asText()));
            snapshot.addSlots(
                    Slot.newBuilder()
                            .setStartMs(Math.round(slot.path("startSec").asDouble() * 1000))
                            .setEndMs(Math.round(slot.path("endSec").asDouble() * 1000))
                            .setFrameCount(slot.path("frames").asLong())
                            .setKeyframeSeq(ApiJson.keyframeSeq(slot.path("keyframeUrl").asText())));
        }
        return snapshot.build();
    }

    private static String encode(String streamId) {
        return URLEncoder.encode(streamId, StandardCharsets.UTF_8);
    }
}
