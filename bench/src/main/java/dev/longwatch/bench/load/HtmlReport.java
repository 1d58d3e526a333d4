package dev.longwatch.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The picture of a load run: one self-contained HTML file (inline SVG charts, no script, nothing
 * fetched) with the headline figures, lag per camera, ask and event latency percentiles,
 * frames per second per stage and memory over time, then CPU by thread group, the chaos faults
 * and the integrity check.
 */
final class HtmlReport {
    private HtmlReport() {}

    static void write(LoadReport report, Path html) throws IOException {
        Files.writeString(html, render(report), StandardCharsets.UTF_8);
    }

    static String render(LoadReport r) {
        LoadReport.Timeline t = r.timeline();
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Longwatch load: ").append(r.cameras()).append(" cameras</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}")
                .append("table{border-collapse:collapse;margin:8px 0 18px}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}")
                .append("th{background:#f3f3f3}.fail{color:#b00020;font-weight:bold}.pass{color:#0a7d32;font-weight:bold}")
                .append("h2{margin-top:28px;font-size:18px}</style></head><body>\n");
        page.append("<h1>Longwatch under load</h1>\n");
        page.append("<p id=\"verdict\" class=\"").append(r.errors() == 0 && r.lagHolds() ? "pass\">" : "fail\">")
                .append(r.errors() == 0 ? "0 errors" : r.errors() + " errors").append(", lag ")
                .append(r.lagHolds() ? "bounded" : "growing").append("</p>\n");
        page.append("<table id=\"headline\"><tr><th>cameras</th><th>askers</th><th>subscriptions</th><th>duration</th><th>target</th><th>encoder</th><th>model delay</th></tr><tr>")
                .append(td(r.cameras())).append(td(r.setup().askers())).append(td(r.setup().subscriptions()))
                .append(td(fmt(r.durationSec()) + " s")).append(td(r.setup().target())).append(td(r.setup().encoder()))
                .append(td(r.setup().llmDelayMs() < 0 ? "evidence-only" : r.setup().llmDelayMs() + " ms")).append("</tr></table>\n");
        page.append("<table id=\"figures\"><tr><th>ask p50 / p95 / p99 (model excluded)</th><th>event p50 / p99</th><th>largest lag at end</th><th>lag slope (2nd half)</th><th>errors</th><th>dead letters</th></tr><tr>")
                .append(td(fmt(r.askP50Ms()) + " / " + fmt(r.askP95Ms()) + " / " + fmt(r.askP99Ms()) + " ms"))
                .append(td(fmt(r.eventP50Ms()) + " / " + fmt(r.eventP99Ms()) + " ms"))
                .append(td(fmt(r.maxLagSec()) + " s")).append(td(fmt(r.lagSlopeSecPerMin()) + " s/min"))
                .append(td(r.errors())).append(td(r.deadLetters())).append("</tr></table>\n");

        page.append("<h2>Lag per camera</h2><p>Now minus the capture time of the newest frame in the camera's committed memory.</p>\n");
        SvgLineChart lag = new SvgLineChart("chart-lag", "lag per camera", "lag (s)", t.tSec());
        t.lagSecByCamera().forEach(lag::add);
        page.append(lag.render());

        page.append("<h2>Ask latency</h2><p>Request to answer as a client sees it, the model's share subtracted; percentiles over the trailing ")
                .append(fmt(Math.max(10, t.stepSec()))).append(" s.</p>\n");
        SvgLineChart asks = new SvgLineChart("chart-ask", "ask latency", "ms", t.tSec());
        t.askMs().forEach(asks::add);
        page.append(asks.render());

        page.append("<h2>Event answers</h2><p>Capture of the frame an event names to its answer read over SSE.</p>\n");
        SvgLineChart events = new SvgLineChart("chart-event", "event latency", "ms", t.tSec());
        t.eventMs().forEach(events::add);
        page.append(events.render());

        page.append("<h2>Throughput</h2><p>Frames per second onto lw.frames (ingest), lw.embeddings (encoder) and into the memories; offered: ")
                .append(fmt(r.framesPerSecond().offered())).append(" frames/s.</p>\n");
        SvgLineChart fps = new SvgLineChart("chart-fps", "frames per second", "frames/s", t.tSec());
        t.fps().forEach(fps::add);
        page.append(fps.render());

        page.append("<h2>Memory</h2>\n");
        SvgLineChart memory = new SvgLineChart("chart-memory", "heap and RSS", "MiB", t.tSec());
        memory.add("heap used", t.heapMb()).add("RSS", t.rssMb());
        page.append(memory.render());

        page.append("<h2>CPU by thread group (cores, second half)</h2><table id=\"cpu\"><tr><th>group</th><th>cores</th></tr>");
        for (Map.Entry<String, Double> e : r.resources().cpuCoresByGroup().entrySet()) {
            page.append("<tr>").append(td(e.getKey())).append(td(fmt(e.getValue()))).append("</tr>");
        }
        page.append("</table>\n");
        page.append("<h2>Checkpoints</h2><p>").append(r.checkpoints().completed()).append(" completed; p50 ")
                .append(fmt(r.checkpoints().p50Ms())).append(" ms, p99 ").append(fmt(r.checkpoints().p99Ms()))
                .append(" ms, max ").append(fmt(r.checkpoints().maxMs())).append(" ms.</p>\n");
        if (r.chaos() != null) {
            page.append("<h2>Chaos</h2><table id=\"chaos\"><tr><th>service</th><th>stopped at</th><th>down</th><th>gap</th><th>recovery</th></tr>");
            for (LoadReport.Fault f : r.chaos()) {
                page.append("<tr>").append(td(f.service())).append(td(fmt(f.stoppedAtSec()) + " s")).append(td(fmt(f.downSec()) + " s"))
                        .append(td(fmt(f.gapSec()) + " s")).append(td(fmt(f.recoverySec()) + " s")).append("</tr>");
            }
            page.append("</table>\n");
        }
        LoadReport.Integrity i = r.integrity();
        page.append("<h2>Integrity</h2><p id=\"integrity\" class=\"").append(i.ok() ? "pass" : "fail").append("\">")
                .append(i.frames()).append(" frames, ").append(i.embeddings()).append(" embedded, ").append(i.memoryFrames())
                .append(" in memory; duplicates ").append(i.duplicateFrames() + i.duplicateEmbeddings()).append(", not embedded ")
                .append(i.framesNotEmbedded()).append(", memory mismatch ").append(i.memoryCountMismatch()).append("</p>\n");
        page.append("<h2>Requests</h2><table id=\"requests\"><tr><th>kind</th><th>sent</th></tr>");
        r.requests().sent().forEach((k, v) -> page.append("<tr>").append(td(k)).append(td(v)).append("</tr>"));
        page.append("</table>\n");
        if (!r.requests().errorsByKind().isEmpty()) {
            page.append("<table id=\"errors\"><tr><th>error</th><th>count</th></tr>");
            r.requests().errorsByKind().forEach((k, v) -> page.append("<tr>").append(td(k)).append(td(v)).append("</tr>"));
            page.append("</table><p>first: ").append(escape(String.valueOf(r.requests().firstError()))).append("</p>\n");
        }
        page.append("<p>Clips (camera i serves clip i mod ").append(r.setup().clips().size()).append("): ")
                .append(escape(String.join(", ", r.setup().clips()))).append(".</p>\n");
        page.append("</body></html>\n");
        return page.toString();
    }

    private static String td(Object value) {
        return "<td>" + escape(String.valueOf(value)) + "</td>";
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e9
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The ids of the charts the report draws (the browser test checks each). */
    static List<String> chartIds() {
        return List.of("chart-lag", "chart-ask", "chart-event", "chart-fps", "chart-memory");
    }
}
