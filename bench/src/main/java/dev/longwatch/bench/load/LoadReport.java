package dev.longwatch.bench.load;

import java.util.List;
import java.util.Map;

/**
 * What {@code bench load} writes as JSON. The top-level figures are the ones the issue names
 * (and the capacity search reads); the nested records hold the rest, and {@link Timeline} the
 * series the HTML report draws.
 *
 * @param cameras cameras (RTSP mounts, one stream each), sampled at 1 fps
 * @param durationSec measured time (after every camera had memory)
 * @param errors failed requests outside deliberate faults; any fails the run
 * @param askP99Ms ask latency as a user sees it, the model's share subtracted, 99th percentile
 * @param eventP99Ms capture of the frame an event names to its answer read over SSE, 99th percentile
 * @param maxLagSec the largest camera lag at the end: now minus the capture time of the newest
 *     frame in that camera's committed memory
 * @param lagSlopeSecPerMin least-squares slope of the largest lag over the second half of the run
 * @param lagHolds whether the lag is bounded by the rule of {@link LagRule}
 */
public record LoadReport(
        int cameras,
        double durationSec,
        long errors,
        double askP50Ms,
        double askP95Ms,
        double askP99Ms,
        double eventP50Ms,
        double eventP99Ms,
        double maxLagSec,
        double lagSlopeSecPerMin,
        boolean lagHolds,
        Setup setup,
        Requests requests,
        Asks asks,
        Events events,
        Map<String, Double> lagAtEndSecByCamera,
        Throughput framesPerSecond,
        Checkpoints checkpoints,
        Resources resources,
        long deadLetters,
        List<Fault> chaos,
        Integrity integrity,
        Timeline timeline) {

    /**
     * How the run was set up.
     *
     * @param target {@code embedded} or the server's URL
     * @param llmDelayMs the local model's delay per answer; -1 in evidence-only mode
     * @param thinkMs mean pause of an asker between answer and next question
     * @param cores processors of this machine
     * @param clips the clips the cameras serve, in camera order (camera i: clip i mod K)
     */
    record Setup(
            String target,
            String encoder,
            int askers,
            int subscriptions,
            long llmDelayMs,
            double thinkMs,
            int cooldownSec,
            long checkpointIntervalMs,
            int cores,
            List<String> clips) {}

    /** Requests by kind, failures outside faults (errors) and during deliberate faults, by kind. */
    record Requests(Map<String, Long> sent, Map<String, Long> errorsByKind, Map<String, Long> failedDuringFaults, String firstError) {}

    /** Ask latencies (ms): without the model's share (the headline), the model's share, the whole. */
    record Asks(long answered, double p50Ms, double p95Ms, double p99Ms, double modelP50Ms, double modelP99Ms,
            double totalP50Ms, double totalP99Ms) {}

    /** Event answers read over SSE; unmatched ones named a frame the run never saw (not timed). */
    record Events(long answers, long unmatched, double p50Ms, double p95Ms, double p99Ms) {}

    /** Mean frames per second over the second half: onto lw.frames, lw.embeddings, into memory. */
    record Throughput(double ingest, double encoder, double memory, double offered) {}

    record Checkpoints(long completed, double p50Ms, double p99Ms, double maxMs) {}

    /**
     * @param heapMaxUsedBytes largest heap in use seen (-1 when the target does not say)
     * @param cpuCoresByGroup mean cores used over the second half, by thread group or container
     */
    record Resources(long heapMaxUsedBytes, long rssMaxBytes, Map<String, Double> cpuCoresByGroup, double cpuCoresTotal) {}

    /**
     * One deliberate restart ({@code --chaos}).
     *
     * @param service {@code encoder} or {@code query}
     * @param stoppedAtSec run second of the stop
     * @param downSec how long it was kept down
     * @param gapSec how long its output was missing: no committed embedding (encoder), no answered ask (query)
     * @param recoverySec from the start command until the run was back to normal: the largest lag
     *     back within 2 s of its level before the fault (encoder); an ask answered and every event
     *     stream open again (query); -1 if that never happened
     */
    record Fault(String service, double stoppedAtSec, double downSec, double gapSec, double recoverySec) {}

    /**
     * The end-of-run check, after the cameras stopped and the memory caught up: frames on
     * lw.frames, embeddings on lw.embeddings (read_committed) and frames in the memories.
     */
    record Integrity(
            long frames,
            long embeddings,
            long memoryFrames,
            long duplicateFrames,
            long duplicateEmbeddings,
            long framesNotEmbedded,
            long embeddingsWithoutFrame,
            long memoryCountMismatch,
            boolean ok) {}

    /**
     * The series of the report's charts, one point per {@code stepSec}.
     *
     * @param lagSecByCamera each camera's lag
     * @param askMs ask latency without the model's share per step: p50, p95, p99
     * @param fps frames per second per stage: ingest, encoder, memory
     */
    record Timeline(
            double stepSec,
            List<Double> tSec,
            Map<String, List<Double>> lagSecByCamera,
            Map<String, List<Double>> askMs,
            Map<String, List<Double>> eventMs,
            Map<String, List<Double>> fps,
            List<Double> heapMb,
            List<Double> rssMb) {}
}
