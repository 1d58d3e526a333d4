package dev.longwatch.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;

/** The printed summary of a run: the figures a person reads first, a line each. */
final class Summary {
    private Summary() {}

    static void print(LoadReport r, PrintStream out) {
        out.printf(Locale.ROOT, "bench load: %d cameras, %d askers, %d subscriptions for %.0f s (%s, encoder %s, model delay %s)%n",
                r.cameras(), r.setup().askers(), r.setup().subscriptions(), r.durationSec(), r.setup().target(), r.setup().encoder(),
                r.setup().llmDelayMs() < 0 ? "none: evidence-only" : r.setup().llmDelayMs() + " ms");
        out.printf(Locale.ROOT, "  errors            %d%s%n", r.errors(),
                r.errors() == 0 ? "" : " " + r.requests().errorsByKind() + "; first: " + r.requests().firstError());
        out.printf(Locale.ROOT, "  requests          %s%s%n", r.requests().sent(),
                r.requests().failedDuringFaults().isEmpty() ? "" : "; failed during deliberate faults: " + r.requests().failedDuringFaults());
        out.printf(Locale.ROOT, "  ask (no model)    p50 %.1f  p95 %.1f  p99 %.1f ms over %d answers (model share p50 %.0f ms)%n",
                r.asks().p50Ms(), r.asks().p95Ms(), r.asks().p99Ms(), r.asks().answered(), r.asks().modelP50Ms());
        out.printf(Locale.ROOT, "  event answers     p50 %.0f  p99 %.0f ms over %d answers%n", r.eventP50Ms(), r.eventP99Ms(), r.events().answers());
        out.printf(Locale.ROOT, "  lag               largest at end %.1f s, slope over 2nd half %.2f s/min: %s%n",
                r.maxLagSec(), r.lagSlopeSecPerMin(), r.lagHolds() ? "bounded" : "GROWING");
        out.printf(Locale.ROOT, "  frames/s          offered %.1f, ingest %.1f, encoder %.1f, memory %.1f%n",
                r.framesPerSecond().offered(), r.framesPerSecond().ingest(), r.framesPerSecond().encoder(), r.framesPerSecond().memory());
        out.printf(Locale.ROOT, "  checkpoints       %d, p50 %.0f ms, p99 %.0f ms%n",
                r.checkpoints().completed(), r.checkpoints().p50Ms(), r.checkpoints().p99Ms());
        out.printf(Locale.ROOT, "  memory            heap max %s MiB, RSS max %d MiB%n",
                r.resources().heapMaxUsedBytes() < 0 ? "n/a" : Long.toString(r.resources().heapMaxUsedBytes() >> 20), r.resources().rssMaxBytes() >> 20);
        out.printf(Locale.ROOT, "  CPU (cores)       %.2f total: %s%n", r.resources().cpuCoresTotal(),
                r.resources().cpuCoresByGroup().entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        out.printf(Locale.ROOT, "  dead letters      %d%n", r.deadLetters());
        if (r.chaos() != null) {
            for (LoadReport.Fault f : r.chaos()) {
                out.printf(Locale.ROOT, "  chaos %-11s stopped at %.0f s for %.1f s: gap %.1f s, recovered %.1f s after the start%n",
                        f.service(), f.stoppedAtSec(), f.downSec(), f.gapSec(), f.recoverySec());
            }
        }
        LoadReport.Integrity i = r.integrity();
        out.printf(Locale.ROOT, "  integrity         %s: %d frames, %d embedded, %d in memory (duplicates %d, not embedded %d, memory mismatch %d)%n",
                i.ok() ? "ok" : "FAILED", i.frames(), i.embeddings(), i.memoryFrames(), i.duplicateFrames() + i.duplicateEmbeddings(),
                i.framesNotEmbedded(), i.memoryCountMismatch());
    }
}
