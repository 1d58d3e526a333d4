package dev.longwatch.query.cluster;

import dev.longwatch.query.views.ViewsTopology;
import dev.longwatch.query.views.ViewsUnavailableException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link StreamOwners} from Kafka Streams' own metadata: the active host of the stream id's key
 * in the {@value ViewsTopology#MEMORY_STORE} store (the keyframe store sits in the same task, so
 * it has the same owner). Needs {@code application.server} set on every instance.
 */
public final class KafkaStreamsOwners implements StreamOwners {
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;

    /**
     * @param streams the running views; null while not created yet (every lookup is then 503)
     * @param self what this instance advertises as {@code application.server}; null until known
     */
    public KafkaStreamsOwners(Supplier<KafkaStreams> streams, Supplier<HostInfo> self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Optional<Peer> remoteOwner(String streamId) {
        KafkaStreams current = running();
        KeyQueryMetadata owner;
        try {
            owner = current.queryMetadataForKey(ViewsTopology.MEMORY_STORE, streamId, KEYS);
        } catch (IllegalStateException e) {
            throw unavailable("the views are " + current.state(), e);
        }
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost() == null
                || owner.activeHost().port() < 0) {
            throw unavailable("no instance owns stream '" + streamId + "' right now (rebalancing)", null);
        }
        HostInfo active = owner.activeHost();
        return active.equals(self.get()) ? Optional.empty() : Optional.of(new Peer(active.host(), active.port()));
    }

    @Override
    public List<Peer> peers() {
        KafkaStreams current = running();
        try {
            return current.streamsMetadataForStore(ViewsTopology.MEMORY_STORE).stream()
                    .map(StreamsMetadata::hostInfo)
                    .filter(host -> !host.equals(self.get()))
                    .distinct()
                    .map(host -> new Peer(host.host(), host.port()))
                    .sorted(Comparator.comparing(Peer::toString))
                    .toList();
        } catch (IllegalStateException e) {
            throw unavailable("the views are " + current.state(), e);
        }
    }

    private KafkaStreams running() {
        KafkaStreams current = streams.get();
        if (current == null) {
            throw unavailable("Kafka Streams not started yet", null);
        }
        KafkaStreams.State state = current.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw unavailable("the views are " + state, null);
        }
        return current;
    }

    private static ViewsUnavailableException unavailable(String message, Throwable cause) {
        return new ViewsUnavailableException(message, cause);
    }
}
