package dev.longwatch.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.FfmpegFrameSource;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import dev.longwatch.ingest.synthetic.SyntheticVideo;
import dev.longwatch.memory.bench.FidelityBenchmark;
import dev.longwatch.memory.bench.Scene;
import dev.longwatch.memory.strategy.StrategyInput;
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
 * Every memory strategy on the same real-encoder embeddings of three datasets: the shared clips
 * strung together in a recorded (seeded) order into at least {@code --minutes} of footage, once
 * with every clip occurrence played once (far more scenes than slots) and once with every
 * occurrence looped to a recorded scene length (fewer scenes than slots, lengths from seconds to
 * minutes); and a generated video with known scene boundaries. Each clip occurrence is a scene.
 *
 * <p>The headline {@code strategies} are the dense montage's; {@code datasets} holds all three.
 * Scene recall asks whether a scene keeps a slot of its own, so with 100 scenes in 20 slots every
 * strategy loses at least 80 of them and the dense montage mostly counts which strategy keeps more
 * single frames; the long-scenes montage has fewer scenes than slots, of very unequal lengths.
 */
@Command(name = "fidelity", description = "Scene recall and span error of every memory strategy on the same footage.")
final class FidelityBenchCommand implements Callable<Integer> {
    private static final double SAMPLE_FPS = 1.0;
    private static final Path SHARED_MODEL = Path.of("../shared/data/models/mobilenetv2-12-int8.onnx");

    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--clips", defaultValue = "../shared/data/video", description = "folder of clips to string together (default: ${DEFAULT-VALUE})")
    Path clips;

    @Option(names = "--minutes", defaultValue = "30", description = "least length of each montage (default: ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--slots", defaultValue = "20", description = "memory slots M (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--seed", defaultValue = "20261122", description = "seed of the recorded clip order and scene lengths (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--min-scene", defaultValue = "20", description = "shortest scene of the long-scenes montage, seconds (default: ${DEFAULT-VALUE})")
    int minSceneSec;

    @Option(names = "--max-scene", defaultValue = "480", description = "longest scene of the long-scenes montage, seconds; lengths are log-uniform in between (default: ${DEFAULT-VALUE})")
    int maxSceneSec;

    @Mixin EncoderOptions encoderOptions;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        EncoderConfig config = encoderOptions.config(() -> EncoderConfig.onnx(SHARED_MODEL.toAbsolutePath()));
        try (VisionEncoder encoder = EncoderFactory.create(config, new SimpleMeterRegistry())) {
            List<Clip> encoded = encodeClips(encoder, progress);
            List<Dataset> datasets =
                    List.of(
                            montage("shared-clips-dense-" + minutes + "min", encoded, encoder, (random, clip) -> clip.durationMs()),
                            montage("shared-clips-long-scenes-" + minutes + "min", encoded, encoder, this::loopedSceneMs),
                            generated(encoder, progress));
            List<Map<String, Object>> reports = new ArrayList<>();
            for (Dataset dataset : datasets) {
                FidelityBenchmark.Report report = FidelityBenchmark.score(dataset.frames(), dataset.scenes(), slots);
                reports.add(Map.of("name", dataset.name(), "report", report));
                progress.printf("bench fidelity: %s (%d frames, %d scenes, %d slots)%n", dataset.name(), report.frames(), report.scenes(), slots);
                for (FidelityBenchmark.StrategyScore score : report.strategies()) {
                    progress.printf(
                            "  %-14s scene recall %.3f  span error %7.2f s  slots kept %d%n",
                            score.name(), score.sceneRecall(), score.spanErrorSec(), score.slotsKept());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("strategies", ((FidelityBenchmark.Report) reports.get(0).get("report")).strategies());
            out.put("encoder", encoder.id());
            out.put("datasets", reports);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
            progress.println("bench fidelity: wrote " + json);
        }
        return 0;
    }

    private record Dataset(String name, List<StrategyInput> frames, List<Scene> scenes) {}

    private record Clip(Path path, List<long[]> ptsAndIndex, List<float[]> tokens, long durationMs) {}

    /** How long one occurrence of a clip plays: its own length, or looped to a drawn length. */
    private interface SceneLength {
        long millis(Random random, Clip clip);
    }

    /** Log-uniform between the shortest and longest scene: many short scenes, a few long ones. */
    private long loopedSceneMs(Random random, Clip clip) {
        double logMin = Math.log(minSceneSec);
        double logMax = Math.log(Math.max(minSceneSec, maxSceneSec));
        return Math.round(Math.exp(logMin + random.nextDouble() * (logMax - logMin)) * 1000);
    }

    private List<Clip> encodeClips(VisionEncoder encoder, PrintStream progress) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(clips)) {
            files = list.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        if (files.size() < 2) {
            throw new IllegalArgumentException("need at least two clips in " + clips.toAbsolutePath());
        }
        List<Clip> encoded = new ArrayList<>();
        for (Path file : files) {
            progress.println("bench fidelity: encoding " + file.getFileName());
            encoded.add(encode(file, encoder));
        }
        return encoded;
    }

    /**
     * Clip occurrences in a seeded order, never the same clip twice in a row; an occurrence
     * longer than its clip plays it forward and back. Each clip is encoded once and its embeddings reused at the
     * new times.
     */
    private Dataset montage(String name, List<Clip> encoded, VisionEncoder encoder, SceneLength sceneLength) {
        Random random = new Random(seed);
        List<StrategyInput> frames = new ArrayList<>();
        List<Scene> scenes = new ArrayList<>();
        long offsetMs = 0;
        int previous = -1;
        long seq = 0;
        while (offsetMs < minutes * 60_000L) {
            int pick = random.nextInt(encoded.size() - 1);
            if (pick >= previous && previous >= 0) {
                pick++; // never the same clip twice in a row: each occurrence is its own scene
            }
            Clip clip = encoded.get(pick);
            long lengthMs = sceneLength.millis(random, clip);
            int count = clip.tokens().size();
            boolean backwards = false;
            for (long loopMs = 0; loopMs < lengthMs; loopMs += clip.durationMs(), backwards = !backwards) {
                for (int i = 0; i < count; i++) {
                    long atMs = loopMs + clip.ptsAndIndex().get(i)[0];
                    if (atMs >= lengthMs) {
                        break;
                    }
                    // Played forward, then backward: a long scene stays continuous footage
                    // instead of jumping back to its first frame at every loop.
                    float[] tokens = clip.tokens().get(backwards ? count - 1 - i : i);
                    frames.add(new StrategyInput(seq++, offsetMs + atMs, encoder.tokens(), encoder.dim(), tokens));
                }
            }
            scenes.add(new Scene(offsetMs, offsetMs + lengthMs));
            offsetMs += lengthMs;
            previous = pick;
        }
        return new Dataset(name, frames, scenes);
    }

    private Dataset generated(VisionEncoder encoder, PrintStream progress) throws IOException {
        Path dir = Files.createTempDirectory("longwatch-fidelity-");
        try {
            SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("scenes.mp4"), new SyntheticVideo.Options(12, 10.0, 25, 320, 240));
            progress.println("bench fidelity: encoding a generated video of " + clip.scenes().size() + " scenes");
            Clip encoded = encode(clip.path(), encoder);
            List<StrategyInput> frames = new ArrayList<>();
            for (int i = 0; i < encoded.tokens().size(); i++) {
                frames.add(new StrategyInput(i, encoded.ptsAndIndex().get(i)[0], encoder.tokens(), encoder.dim(), encoded.tokens().get(i)));
            }
            List<Scene> scenes = clip.scenes().stream().map(s -> new Scene(s.startMs(), s.endMs())).toList();
            return new Dataset("generated-" + scenes.size() + "-scenes", frames, scenes);
        } finally {
            DataDirs.deleteQuietly(dir);
        }
    }

    private static Clip encode(Path file, VisionEncoder encoder) throws IOException {
        List<long[]> pts = new ArrayList<>();
        List<float[]> tokens = new ArrayList<>();
        FrameSampler sampler = new FrameSampler(SAMPLE_FPS);
        long lastPts = 0;
        try (FfmpegFrameSource source = FfmpegFrameSource.open(file.toString())) {
            Optional<SourceFrame> frame;
            while ((frame = source.next()).isPresent()) {
                long ptsMs = frame.get().ptsMs();
                lastPts = ptsMs;
                if (sampler.accept(ptsMs)) {
                    tokens.add(encoder.encode(List.of(frame.get().toImage()))[0]);
                    pts.add(new long[] {ptsMs});
                }
            }
        } catch (SourceException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Clip(file, pts, tokens, lastPts + (long) (1000 / SAMPLE_FPS));
    }
}
