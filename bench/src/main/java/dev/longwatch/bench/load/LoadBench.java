package dev.longwatch.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.encoder.EncoderConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The entry points of {@code ./longwatch bench load}: one run, or a capacity search. */
public final class LoadBench {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoadBench() {}

    /** One run: JSON to {@code json}, the HTML report beside it, the summary to {@code summary}. */
    public static LoadReport runOnce(LoadOptions options, Path json, PrintStream progress, PrintStream summary) throws Exception {
        LoadReport report = LoadRun.run(options, progress);
        JSON.writeValue(json.toFile(), report);
        Path html = htmlBeside(json);
        HtmlReport.write(report, html);
        Summary.print(report, summary);
        progress.println("bench load: wrote " + json + " and " + html);
        return report;
    }

    static Path htmlBeside(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".html");
    }

    /**
     * The capacity search for the encoder of {@code options}, and also for {@code second} when it
     * is given (the built-in encoder and MobileNetV2 when no --encoder was named). Each step's
     * summary goes to {@code progress}; the JSON holds every step.
     */
    public static void findCapacity(LoadOptions options, EncoderConfig second, int start, int max, int resolution, Path json,
            PrintStream progress) throws Exception {
        List<EncoderConfig> encoders = new ArrayList<>(List.of(options.encoder()));
        if (second != null) {
            encoders.add(second);
        }
        List<CapacitySearch.Result> results = new ArrayList<>();
        for (EncoderConfig encoder : encoders) {
            String name = encoder.backend().name().toLowerCase(Locale.ROOT)
                    + (encoder.model() == null ? "" : "-" + encoder.model().getFileName().toString().replaceFirst("\\.onnx$", ""));
            results.add(CapacitySearch.search(options, encoder, name, start, max, resolution, step -> {
                LoadReport report = LoadRun.run(step, progress);
                Summary.print(report, progress);
                return CapacitySearch.Step.of(report);
            }, progress));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rule", "lag slope over the second half <= " + LagRule.MAX_SLOPE_SEC_PER_MIN + " s/min and largest lag at end <= "
                + LagRule.MAX_LAG_SEC + " s, 0 errors");
        out.put("askers", options.askers());
        out.put("subscriptions", options.subscriptions());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("capacity", results);
        JSON.writeValue(json.toFile(), out);
        for (CapacitySearch.Result r : results) {
            progress.printf(Locale.ROOT, "capacity %s: %d cameras hold%s%n", r.encoder(), r.holds(),
                    r.fails() < 0 ? " (the largest tried)" : ", " + r.fails() + " do not");
        }
    }
}
