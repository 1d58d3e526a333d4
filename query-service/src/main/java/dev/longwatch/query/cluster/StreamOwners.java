package dev.longwatch.query.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Which query-service instance holds a stream's partitioned views (its memory snapshot and
 * keyframes, which live in the same Kafka Streams task). The HTTP layer answers a stream's
 * requests itself when the owner is this instance and forwards them otherwise.
 *
 * <p>Implementations throw {@link dev.longwatch.query.views.ViewsUnavailableException} when the
 * owner is not known right now (starting, rebalancing): callers answer 503, never a guess.
 */
public interface StreamOwners {
    /** A single instance: every stream is local, nothing is ever forwarded. */
    StreamOwners LOCAL =
            new StreamOwners() {
                @Override
                public Optional<Peer> remoteOwner(String streamId) {
                    return Optional.empty();
                }

                @Override
                public List<Peer> peers() {
                    return List.of();
                }
            };

    /** The instance that owns {@code streamId} when it is another one; empty when it is this one. */
    Optional<Peer> remoteOwner(String streamId);

    /** Every other instance that currently owns part of the partitioned views. */
    List<Peer> peers();

    /**
     * Another instance's HTTP API, as it advertises itself ({@code application.server}).
     *
     * @param host host name or address, as advertised
     * @param port HTTP port
     */
    record Peer(String host, int port) {
        public String baseUrl() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
