package dev.longwatch.bench;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bench.FidelityBenchmark;
import dev.longwatch.memory.bench.Scene;
import dev.longwatch.memory.bench.WindowFidelity;
import dev.longwatch.memory.bench.WindowFidelity.Scored;
import dev.longwatch.memory.bench.WindowFidelity.Tally;
import dev.longwatch.memory.chapter.ChapterPolicy;
import dev.longwatch.memory.strategy.StrategyInput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The windows of {@code bench fidelity}: long montages of the shared clips' shots (10 h by default,
 * scenes drawn as in the short montages), each frame through the job's chaptered bank under every
 * rule asked for, and windows of each length answered as {@code GET /memory?from=&to=} answers
 * them ({@link WindowFidelity}). Each length pools its windows over every montage; each row also
 * gives the figure of every montage (order) and their spread.
 *
 * <p>Rows per length: {@code uniform} (M frames evenly spaced over the window), {@code equal-spans}
 * (M equal spans), and per rule its product path ({@code mbc}, {@code boundary}: chapters, then the
 * query service's window merge) and {@code <rule>-alone}, one bank over the window's frames alone:
 * what the window's memory would be if the bank had been built for that window.
 */
final class WindowBench {
    private final int slots;
    private final long chapterMs;
    private final StorageDtype storage;
    private final List<MergeRule> rules;
    private final int windowsPerLength;

    WindowBench(int slots, long chapterMs, StorageDtype storage, List<MergeRule> rules, int windowsPerLength) {
        this.slots = slots;
        this.chapterMs = chapterMs;
        this.storage = storage;
        this.rules = List.copyOf(rules);
        this.windowsPerLength = windowsPerLength;
    }

    Map<String, Object> run(
            List<EncodedClip> shots,
            long firstSeed,
            int orders,
            long lengthMs,
            List<Double> windowMinutes,
            Montage.SceneLength sceneLength,
            int tokens,
            int dim,
            PrintStream progress) {
        // length → row → one tally per montage, in order
        Map<Double, Map<String, List<Tally>>> tallies = new LinkedHashMap<>();
        Map<Double, Integer> windowCounts = new LinkedHashMap<>();
        List<Long> seeds = new ArrayList<>();
        for (int k = 0; k < orders; k++) {
            long seed = firstSeed + k;
            seeds.add(seed);
            // A montage runs past its least length to finish its last scene; cut it there, so the
            // longest window (10 h of 10 h) is the whole montage rather than most of it.
            Montage montage = Montage.build(shots, seed, lengthMs, sceneLength, tokens, dim);
            List<StrategyInput> frames = WindowFidelity.between(montage.frames(), 0, lengthMs - 1);
            List<Scene> scenes = new ArrayList<>();
            for (Scene scene : montage.scenes()) {
                if (scene.startMs() < lengthMs) {
                    scenes.add(new Scene(scene.startMs(), Math.min(scene.endMs(), lengthMs)));
                }
            }
            long endMs = frames.get(frames.size() - 1).ptsMs();
            progress.printf("bench fidelity: %.1f h montage seed %d: %d frames, %d scenes%n",
                    endMs / 3_600_000.0, seed, frames.size(), scenes.size());
            Map<Double, List<long[]>> windows = windows(new Random(seed), endMs, windowMinutes);
            for (Map.Entry<Double, List<long[]>> length : windows.entrySet()) {
                windowCounts.put(length.getKey(), length.getValue().size());
                Map<String, List<Tally>> rows = tallies.computeIfAbsent(length.getKey(), l -> new LinkedHashMap<>());
                add(rows, "uniform", score(length.getValue(), scenes, (from, to) -> WindowFidelity.uniform(WindowFidelity.between(frames, from, to), slots)));
                add(rows, "equal-spans", score(length.getValue(), scenes, (from, to) -> WindowFidelity.equalSpans(WindowFidelity.between(frames, from, to), slots)));
            }
            for (MergeRule rule : rules) {
                long started = System.nanoTime();
                BankConfig config = BankConfig.frames(slots).withRule(rule);
                WindowFidelity.ChapteredMemory memory =
                        WindowFidelity.chaptered(frames, config, new ChapterPolicy(chapterMs), storage);
                String name = rule.name().toLowerCase(Locale.ROOT);
                for (Map.Entry<Double, List<long[]>> length : windows.entrySet()) {
                    Map<String, List<Tally>> rows = tallies.get(length.getKey());
                    add(rows, name, score(length.getValue(), scenes, memory::answer));
                    add(rows, name + "-alone", score(length.getValue(), scenes,
                            (from, to) -> WindowFidelity.alone(WindowFidelity.between(frames, from, to), config, storage)));
                }
                progress.printf("bench fidelity:   %s: %d chapters, windows answered, in %.1f s%n",
                        name, memory.chapterCount(), (System.nanoTime() - started) / 1e9);
            }
        }
        List<Map<String, Object>> lengths = new ArrayList<>();
        for (Map.Entry<Double, Map<String, List<Tally>>> length : tallies.entrySet()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            progress.printf("bench fidelity: %s-minute windows, %d per montage, %d montages pooled%n",
                    minutes(length.getKey()), windowCounts.get(length.getKey()), orders);
            for (Map.Entry<String, List<Tally>> row : length.getValue().entrySet()) {
                rows.add(row(row.getKey(), row.getValue(), seeds, windowCounts.get(length.getKey()), progress));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("minutes", length.getKey());
            entry.put("windowsPerMontage", windowCounts.get(length.getKey()));
            entry.put("rows", rows);
            lengths.add(entry);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hours", lengthMs / 3_600_000.0);
        out.put("seeds", seeds);
        out.put("chapterSec", chapterMs / 1000);
        out.put("storage", storage.name());
        out.put("slots", slots);
        out.put("note", "each window answered as GET /v1/streams/{id}/memory?from=&to= answers it (chaptered bank,"
                + " then the query service's window merge); <rule>-alone is one bank over the window's frames only;"
                + " uniform and equal-spans sample the window's frames directly");
        out.put("lengths", lengths);
        return out;
    }

    /** Per strategy, its figures' spread over {@code reports} (the montages' orders). */
    static List<Map<String, Object>> spreadOver(List<FidelityBenchmark.Report> reports) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < reports.get(0).strategies().size(); i++) {
            int at = i;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", reports.get(0).strategies().get(i).name());
            row.put("sceneRecall", Spread.of(reports.stream().mapToDouble(r -> r.strategies().get(at).sceneRecall()).toArray()));
            row.put("keyframeRecall", Spread.of(reports.stream().mapToDouble(r -> r.strategies().get(at).keyframeRecall()).toArray()));
            row.put("spanErrorSec", Spread.of(reports.stream().mapToDouble(r -> r.strategies().get(at).spanErrorSec()).toArray()));
            out.add(row);
        }
        return out;
    }

    /** Mean, min, max and (population) standard deviation of some figures; NaNs left out. */
    record Spread(double mean, double min, double max, double stdev) {
        static Spread of(double[] values) {
            double[] finite = java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
            if (finite.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double mean = java.util.Arrays.stream(finite).average().orElseThrow();
            double variance = java.util.Arrays.stream(finite).map(v -> (v - mean) * (v - mean)).sum() / finite.length;
            return new Spread(
                    mean,
                    java.util.Arrays.stream(finite).min().orElseThrow(),
                    java.util.Arrays.stream(finite).max().orElseThrow(),
                    Math.sqrt(variance));
        }
    }

    /** Windows of each length at seeded random starts; one covering all when it is that long. */
    private Map<Double, List<long[]>> windows(Random random, long endMs, List<Double> windowMinutes) {
        Map<Double, List<long[]>> windows = new LinkedHashMap<>();
        for (double minutes : windowMinutes) {
            long length = Math.round(minutes * 60_000);
            List<long[]> list = new ArrayList<>();
            if (length > endMs) {
                list.add(new long[] {0, endMs});
            } else {
                for (int i = 0; i < windowsPerLength; i++) {
                    long from = (long) (random.nextDouble() * (endMs - length));
                    list.add(new long[] {from, from + length});
                }
            }
            windows.put(minutes, list);
        }
        return windows;
    }

    private static Tally score(List<long[]> windows, List<Scene> scenes, BiFunction<Long, Long, List<Scored>> answer) {
        Tally tally = Tally.NONE;
        for (long[] window : windows) {
            tally = tally.plus(WindowFidelity.tally(answer.apply(window[0], window[1]), scenes, window[0], window[1]));
        }
        return tally;
    }

    private static void add(Map<String, List<Tally>> rows, String name, Tally tally) {
        rows.computeIfAbsent(name, n -> new ArrayList<>()).add(tally);
    }

    private static Map<String, Object> row(String name, List<Tally> perOrder, List<Long> seeds, int windows, PrintStream progress) {
        Tally pooled = perOrder.stream().reduce(Tally.NONE, Tally::plus);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("sceneRecall", pooled.sceneRecall());
        row.put("keyframeRecall", pooled.keyframeRecall());
        row.put("spanErrorSec", pooled.spanErrorSec());
        row.put("scenes", pooled.scenes());
        row.put("slotsShown", pooled.slots() / (double) (windows * perOrder.size()));
        row.put("sceneRecallSpread", Spread.of(perOrder.stream().mapToDouble(Tally::sceneRecall).toArray()));
        row.put("keyframeRecallSpread", Spread.of(perOrder.stream().mapToDouble(Tally::keyframeRecall).toArray()));
        row.put("spanErrorSpread", Spread.of(perOrder.stream().mapToDouble(Tally::spanErrorSec).toArray()));
        List<Map<String, Object>> orders = new ArrayList<>();
        for (int k = 0; k < perOrder.size(); k++) {
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("seed", seeds.get(k));
            order.put("sceneRecall", perOrder.get(k).sceneRecall());
            order.put("keyframeRecall", perOrder.get(k).keyframeRecall());
            order.put("spanErrorSec", perOrder.get(k).spanErrorSec());
            orders.add(order);
        }
        row.put("perOrder", orders);
        Spread recall = (Spread) row.get("sceneRecallSpread");
        progress.printf("  %-16s scene recall %.3f [%.2f-%.2f]  keyframe recall %.3f  span error %8.1f s  (%.1f slots shown)%n",
                name, pooled.sceneRecall(), recall.min(), recall.max(), pooled.keyframeRecall(), pooled.spanErrorSec(),
                (double) row.get("slotsShown"));
        return row;
    }

    private static String minutes(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
