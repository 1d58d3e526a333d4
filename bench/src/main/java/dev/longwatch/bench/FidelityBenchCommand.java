package dev.longwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderFactory;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.ingest.synthetic.SyntheticVideo;
import dev.longwatch.local.DataDirs;
import dev.longwatch.local.EncoderOptions;
import dev.longwatch.memory.bench.FidelityBenchmark;
import dev.longwatch.memory.bench.Scene;
import dev.longwatch.memory.strategy.StrategyInput;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every memory strategy on the same real-encoder embeddings: the shots of the shared clips strung
 * together in recorded (seeded) orders into at least {@code --minutes} of footage each, and a
 * generated video of scenes of unequal, known lengths. A scene is one shot: the shared clips are
 * cut where {@code shared-clip-shots.tsv} says (two of them are edited videos of several shots),
 * and each occurrence in a montage plays one shot for a drawn length, so a montage has about as
 * many scenes as the memory has slots, some far shorter than the footage per slot.
 *
 * <p>Looped montages leave out shots of fewer than {@value #MIN_LOOPED_FRAMES} sampled frames: one
 * or two stills replayed for minutes would be a frozen scene that any similarity merge collapses
 * for free. The headline {@code strategies} pool every montage (recall over all their scenes);
 * {@code datasets} holds each montage, with its seed and order, a montage of shots each played
 * once at its own length (every shot eligible, drawn with repeats: hundreds of scenes for tens of
 * slots, reported, not pooled) and the generated video.
 */
@Command(name = "fidelity", description = "Scene recall and span error of every memory strategy on the same footage.")
final class FidelityBenchCommand implements Callable<Integer> {
    private static final double SAMPLE_FPS = 1.0;
    private static final Path SHARED_MODEL = Path.of("../shared/data/models/mobilenetv2-12-int8.onnx");
    /** Frame rate of the generated video: sampling keeps one a second, so more would only cost time. */
    private static final int GENERATED_FPS = 10;
    /** Fewest sampled frames of a shot that a looped montage replays. */
    static final int MIN_LOOPED_FRAMES = 3;
    private static final long GENERATED_MIN_SCENE_MS = 3_000;
    private static final long GENERATED_MAX_SCENE_MS = 60_000;

    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--clips", defaultValue = "../shared/data/video", description = "folder of clips to string together (default: ${DEFAULT-VALUE})")
    Path clips;

    @Option(names = "--minutes", defaultValue = "30", description = "least length of each montage (default: ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--slots", defaultValue = "20", description = "memory slots M (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--seed", defaultValue = "20261122", description = "seed of the first montage's order and scene lengths; montage k uses seed + k (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--orders", defaultValue = "5", description = "montages, each in its own recorded order (default: ${DEFAULT-VALUE})")
    int orders;

    @Option(names = "--min-scene", defaultValue = "20", description = "shortest montage scene, seconds (default: ${DEFAULT-VALUE})")
    int minSceneSec;

    @Option(names = "--max-scene", defaultValue = "480", description = "longest montage scene, seconds; lengths are log-uniform in between (default: ${DEFAULT-VALUE})")
    int maxSceneSec;

    @Option(names = "--generated-scenes", defaultValue = "16", description = "scenes of the generated video, 3 to 60 s each, log-uniform (default: ${DEFAULT-VALUE})")
    int generatedScenes;

    @Mixin EncoderOptions encoderOptions;

    @Override
    public Integer call() throws Exception {
        if (orders < 1 || minutes < 1 || slots < 1 || generatedScenes < 1) {
            throw new IllegalArgumentException("--orders, --minutes, --slots and --generated-scenes must be at least 1");
        }
        PrintStream progress = System.err;
        EncoderConfig config = encoderOptions.config(() -> EncoderConfig.onnx(SHARED_MODEL.toAbsolutePath()));
        try (VisionEncoder encoder = EncoderFactory.create(config, new SimpleMeterRegistry())) {
            List<EncodedClip> shots = sharedClipShots(encoder, progress);
            List<Map<String, Object>> datasets = new ArrayList<>();
            List<FidelityBenchmark.Report> montageReports = new ArrayList<>();
            Montage.SceneLength sceneLength = Montage.logUniform(minSceneSec * 1000L, maxSceneSec * 1000L);
            List<EncodedClip> loopable = shots.stream().filter(s -> s.tokens().size() >= MIN_LOOPED_FRAMES).toList();
            progress.printf("bench fidelity: %d of %d shots have %d or more sampled frames and are looped%n",
                    loopable.size(), shots.size(), MIN_LOOPED_FRAMES);
            for (int k = 0; k < orders; k++) {
                Montage montage = Montage.build(loopable, seed + k, minutes * 60_000L, sceneLength, encoder.tokens(), encoder.dim());
                String name = "shared-clip-shots-" + minutes + "min-seed-" + (seed + k);
                FidelityBenchmark.Report report = score(name, montage.frames(), montage.scenes(), progress);
                montageReports.add(report);
                datasets.add(dataset(name, seed + k, montage.order(), report));
            }
            // Each occurrence plays its shot once at its own length (shots drawn with repeats, as
            // above): far more scenes than slots, so recall is capped near M / scenes for every
            // strategy. Reported, not pooled: it cannot rank them.
            Montage natural = Montage.build(shots, seed, minutes * 60_000L, (random, shot) -> shot.durationMs(), encoder.tokens(), encoder.dim());
            String naturalName = "shared-clip-shots-natural-length-" + minutes + "min-seed-" + seed;
            datasets.add(dataset(naturalName, seed, natural.order(), score(naturalName, natural.frames(), natural.scenes(), progress)));
            datasets.add(generated(encoder, progress));

            FidelityBenchmark.Report pooled = FidelityBenchmark.pool(montageReports);
            print("all " + orders + " montages pooled", pooled, progress);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("strategies", pooled.strategies());
            out.put("encoder", encoder.id());
            out.put("slots", slots);
            out.put("groundTruth", "a scene is one shot; the shared clips' shots are recorded in shared-clip-shots.tsv");
            out.put("datasets", datasets);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
            progress.println("bench fidelity: wrote " + json);
        }
        return 0;
    }

    /** Every clip in {@code --clips}, encoded once and cut into its recorded shots. */
    private List<EncodedClip> sharedClipShots(VisionEncoder encoder, PrintStream progress) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(clips)) {
            files = list.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        if (files.size() < 2) {
            throw new IllegalArgumentException("need at least two clips in " + clips.toAbsolutePath());
        }
        ShotList shotList = ShotList.sharedClips();
        List<EncodedClip> shots = new ArrayList<>();
        for (Path file : files) {
            EncodedClip clip = EncodedClip.encode(file, encoder, SAMPLE_FPS);
            Optional<List<Long>> cuts = shotList.cutsMs(clip.name());
            if (cuts.isEmpty()) {
                progress.println("bench fidelity: " + clip.name() + " has no recorded shots; taken as one shot");
            }
            List<EncodedClip> clipShots = clip.shots(cuts.orElse(List.of()));
            progress.printf("bench fidelity: encoded %s (%d frames, %d shots)%n", clip.name(), clip.tokens().size(), clipShots.size());
            shots.addAll(clipShots);
        }
        return shots;
    }

    /** Scenes of 3 to 60 s, drawn log-uniform from the seed, so some are shorter than the footage per slot. */
    private Map<String, Object> generated(VisionEncoder encoder, PrintStream progress) throws IOException {
        Random random = new Random(seed);
        Montage.SceneLength sceneLength = Montage.logUniform(GENERATED_MIN_SCENE_MS, GENERATED_MAX_SCENE_MS);
        List<Double> lengths = new ArrayList<>();
        for (int s = 0; s < generatedScenes; s++) {
            lengths.add(Math.rint(sceneLength.millis(random, null) / 1000.0)); // whole seconds
        }
        Path dir = Files.createTempDirectory("longwatch-fidelity-");
        try {
            SyntheticVideo.Clip clip =
                    SyntheticVideo.write(dir.resolve("scenes.mp4"), new SyntheticVideo.Options(lengths, GENERATED_FPS, 320, 240));
            progress.println("bench fidelity: encoding a generated video of " + clip.scenes().size() + " scenes");
            EncodedClip encoded = EncodedClip.encode(clip.path(), encoder, SAMPLE_FPS);
            List<StrategyInput> frames = new ArrayList<>();
            for (int i = 0; i < encoded.tokens().size(); i++) {
                frames.add(new StrategyInput(i, encoded.ptsMs().get(i), encoder.tokens(), encoder.dim(), encoded.tokens().get(i)));
            }
            List<Scene> scenes = clip.scenes().stream().map(s -> new Scene(s.startMs(), s.endMs())).toList();
            String name = "generated-" + scenes.size() + "-scenes";
            List<Montage.Occurrence> order =
                    clip.scenes().stream()
                            .map(s -> new Montage.Occurrence("scene " + (s.index() + 1), s.startMs(), s.endMs() - s.startMs()))
                            .toList();
            return dataset(name, seed, order, score(name, frames, scenes, progress));
        } finally {
            DataDirs.deleteQuietly(dir);
        }
    }

    private FidelityBenchmark.Report score(String name, List<StrategyInput> frames, List<Scene> scenes, PrintStream progress) {
        FidelityBenchmark.Report report = FidelityBenchmark.score(frames, scenes, slots);
        print(name, report, progress);
        return report;
    }

    private void print(String name, FidelityBenchmark.Report report, PrintStream progress) {
        progress.printf("bench fidelity: %s (%d frames, %d scenes, %d slots)%n", name, report.frames(), report.scenes(), slots);
        for (FidelityBenchmark.StrategyScore score : report.strategies()) {
            progress.printf(
                    "  %-14s scene recall %.3f  span error %7.2f s  slots kept %d%n",
                    score.name(), score.sceneRecall(), score.spanErrorSec(), score.slotsKept());
        }
    }

    private static Map<String, Object> dataset(String name, long seed, List<Montage.Occurrence> order, FidelityBenchmark.Report report) {
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", name);
        dataset.put("seed", seed);
        dataset.put("order", order);
        dataset.put("report", report);
        return dataset;
    }
}
