package dev.longwatch.bench.load;

import java.net.URI;
import java.util.Optional;

/**
 * The system a load run drives: the embedded stack it starts itself ({@link EmbeddedTarget}) or
 * a running deployment ({@link ServerTarget}). The run talks to it as users do (HTTP) and reads
 * its topics as an outside observer (Kafka); the rest is what differs between the two.
 */
interface LoadTarget extends AutoCloseable {
    /** The services {@code --chaos} restarts. */
    enum Service {
        ENCODER,
        QUERY
    }

    /** The query service's base URL. */
    URI api();

    /** Kafka, for the run's read-only observers of lw.frames, lw.embeddings, lw.memory and lw.dlq. */
    String bootstrapServers();

    /** Stops a service (returns once it is down). */
    void stop(Service service) throws Exception;

    /** Starts a stopped service (returns once it runs again). */
    void start(Service service) throws Exception;

    /** Durations of the memory job's checkpoints completed since the last call, in ms. */
    CheckpointSource checkpoints();

    /** Heap, RSS and CPU of the target's processes. */
    ResourceSource resources();

    /** What has stopped that should run, if anything (the run then fails fast). */
    default Optional<String> fault() {
        return Optional.empty();
    }

    @Override
    void close() throws Exception;
}
