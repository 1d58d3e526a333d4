package dev.longwatch.service;

import java.util.Optional;

/**
 * Whether a service can do its work now, for {@code GET /readyz}: a process can be alive (its
 * {@code /healthz} answers) and still not ready, for example while it joins its consumer group or
 * initialises its transactional producer. Orchestrators send work (or count the replica as
 * available) only while it is ready, and restart it only when it is not alive.
 */
@FunctionalInterface
public interface Readiness {
    /** Empty when ready; otherwise what the service is still waiting for, shown on {@code /readyz}. */
    Optional<String> waitingFor();
}
