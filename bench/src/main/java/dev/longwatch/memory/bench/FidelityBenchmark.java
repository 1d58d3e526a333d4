package dev.longwatch.memory.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.longwatch.memory.strategy.MemorySlot;
import dev.longwatch.memory.strategy.MemoryStrategy;
import dev.longwatch.memory.strategy.Strategies;
import dev.longwatch.memory.strategy.StrategyInput;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code longwatch bench fidelity}: every {@link Strategies strategy} with the same number of slots
 * over the same frames, scored against known scenes by {@link SceneFidelity}. The caller supplies
 * the frames (for the real benchmark: the real encoder's embeddings of real or generated footage)
 * and the ground-truth scenes.
 */
public final class FidelityBenchmark {
    /** The default M, as the memory job's {@code memory.bank.slots}. */
    public static final int DEFAULT_SLOTS = 20;

    private FidelityBenchmark() {}

    /** What the JSON holds. */
    public record Report(int frames, int scenes, List<StrategyScore> strategies) {}

    /**
     * @param sceneRecall see {@link SceneFidelity#sceneRecall}
     * @param spanErrorSec see {@link SceneFidelity#spanErrorSec}
     * @param slotsKept how many slots the strategy held at the end (at most {@code slots})
     */
    public record StrategyScore(
            String name, int slots, double sceneRecall, double spanErrorSec, int slotsKept) {}

    /** {@link #run(Path, PrintStream, List, List, int)} with {@link #DEFAULT_SLOTS}. */
    public static Report run(
            Path jsonOut, PrintStream progress, List<StrategyInput> frames, List<Scene> scenes)
            throws IOException {
        return run(jsonOut, progress, frames, scenes, DEFAULT_SLOTS);
    }

    /**
     * Feeds {@code frames} (in order: seq increasing, media time not decreasing) to every strategy
     * with {@code slots} slots, scores the final slots against {@code scenes} and writes {@code
     * {"frames","scenes","strategies":[{"name","slots","sceneRecall","spanErrorSec","slotsKept"}]}}
     * to {@code jsonOut}.
     */
    public static Report run(
            Path jsonOut,
            PrintStream progress,
            List<StrategyInput> frames,
            List<Scene> scenes,
            int slots)
            throws IOException {
        Report report = score(frames, scenes, slots);
        for (StrategyScore s : report.strategies()) {
            progress.printf(
                    "%-14s slots %3d  kept %3d  scene recall %.3f  span error %.2f s%n",
                    s.name(), s.slots(), s.slotsKept(), s.sceneRecall(), s.spanErrorSec());
        }
        Path parent = jsonOut.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonOut.toFile(), report);
        return report;
    }

    /**
     * Several datasets scored as one: per strategy, the share of all their scenes kept and the mean
     * span error over all their cuts (a dataset with one scene has no cut and adds none), so a
     * dataset counts by its scenes, not once each. {@code slotsKept} is the mean, rounded.
     */
    public static Report pool(List<Report> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("nothing to pool");
        }
        int strategies = reports.get(0).strategies().size();
        List<StrategyScore> pooled = new ArrayList<>();
        for (int i = 0; i < strategies; i++) {
            String name = reports.get(0).strategies().get(i).name();
            double keptScenes = 0;
            double spanSum = 0;
            long cuts = 0;
            double slotsKept = 0;
            for (Report report : reports) {
                StrategyScore score = report.strategies().get(i);
                if (!score.name().equals(name) || score.slots() != reports.get(0).strategies().get(i).slots()) {
                    throw new IllegalArgumentException("reports must list the same strategies and slots in the same order");
                }
                keptScenes += score.sceneRecall() * report.scenes();
                int reportCuts = report.scenes() - 1;
                if (reportCuts > 0) {
                    spanSum += score.spanErrorSec() * reportCuts;
                    cuts += reportCuts;
                }
                slotsKept += score.slotsKept();
            }
            int scenes = reports.stream().mapToInt(Report::scenes).sum();
            pooled.add(
                    new StrategyScore(
                            name,
                            reports.get(0).strategies().get(i).slots(),
                            Math.round(keptScenes) / (double) scenes,
                            cuts == 0 ? Double.NaN : spanSum / cuts,
                            (int) Math.round(slotsKept / reports.size())));
        }
        return new Report(
                reports.stream().mapToInt(Report::frames).sum(),
                reports.stream().mapToInt(Report::scenes).sum(),
                pooled);
    }

    /** The scores without writing anything. */
    public static Report score(List<StrategyInput> frames, List<Scene> scenes, int slots) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("the fidelity benchmark needs at least one frame");
        }
        List<StrategyScore> scores = new ArrayList<>();
        for (String name : Strategies.NAMES) {
            MemoryStrategy strategy = Strategies.create(name, slots);
            for (StrategyInput frame : frames) {
                strategy.append(frame);
            }
            List<MemorySlot> kept = strategy.slots();
            scores.add(
                    new StrategyScore(
                            name,
                            slots,
                            SceneFidelity.sceneRecall(kept, scenes),
                            SceneFidelity.spanErrorSec(kept, scenes),
                            kept.size()));
        }
        return new Report(frames.size(), scenes.size(), scores);
    }
}
