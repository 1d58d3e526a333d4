package dev.longwatch.bench.load;

import java.util.Map;

/** Memory and CPU of the processes under test. */
interface ResourceSource {
    /**
     * One reading.
     *
     * @param heapUsedBytes Java heap in use (summed over the target's JVMs when known; -1 when not)
     * @param rssBytes resident memory of the target's processes
     * @param cpuSeconds CPU seconds used so far, by thread group (embedded) or container (server)
     */
    record Reading(long heapUsedBytes, long rssBytes, Map<String, Double> cpuSeconds) {}

    Reading read() throws Exception;
}
