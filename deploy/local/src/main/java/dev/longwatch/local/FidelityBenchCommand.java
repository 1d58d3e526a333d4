package dev.longwatch.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.encoder.PatchStatisticsEncoder;
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
import picocli.CommandLine.Option;

/**
 * Every memory strategy on the same real-encoder embeddings: the shared clips strung together in
 * a recorded (seeded) order into at least {@code --minutes} of footage, each clip occurrence a
 * scene; and a generated video with known scene boundaries.
 */
@Command(name = "fidelity", description = "Scene recall and span error of every memory strategy on the same footage.")
final class FidelityBenchCommand implements Callable<Integer> {
    private static final double SAMPLE_FPS = 1.0;

    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--clips", defaultValue = "../shared/data/video", description = "folder of clips to string together (default: ${DEFAULT-VALUE})")
    Path clips;

    @Option(names = "--minutes", defaultValue = "30", description = "least length of the montage (default: ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--slots", defaultValue = "20", description = "memory slots M (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--seed", defaultValue = "20261122", description = "seed of the recorded clip order (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintStream progress = System.err;
        try (VisionEncoder encoder = new PatchStatisticsEncoder(8)) {
            Dataset montage = montage(encoder, progress);
            Dataset generated = generated(encoder, progress);
            FidelityBenchmark.Report montageReport = FidelityBenchmark.score(montage.frames(), montage.scenes(), slots);
            FidelityBenchmark.Report generatedReport = FidelityBenchmark.score(generated.frames(), generated.scenes(), slots);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("strategies", montageReport.strategies());
            out.put("encoder", encoder.id());
            out.put(
                    "datasets",
                    List.of(
                            Map.of("name", montage.name(), "report", montageReport),
                            Map.of("name", generated.name(), "report", generatedReport)));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
            for (FidelityBenchmark.StrategyScore score : montageReport.strategies()) {
                progress.println("bench fidelity: " + score);
            }
            progress.println("bench fidelity: wrote " + json);
        }
        return 0;
    }

    private record Dataset(String name, List<StrategyInput> frames, List<Scene> scenes) {}

    private record Clip(Path path, List<long[]> ptsAndIndex, List<float[]> tokens, long durationMs) {}

    /** Each clip is decoded and encoded once; the montage reuses its embeddings at new times. */
    private Dataset montage(VisionEncoder encoder, PrintStream progress) throws IOException {
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
            for (int i = 0; i < clip.tokens().size(); i++) {
                frames.add(new StrategyInput(seq++, offsetMs + clip.ptsAndIndex().get(i)[0], encoder.tokens(), encoder.dim(), clip.tokens().get(i)));
            }
            scenes.add(new Scene(offsetMs, offsetMs + clip.durationMs()));
            offsetMs += clip.durationMs();
            previous = pick;
        }
        return new Dataset("shared-clips-montage-" + minutes + "min", frames, scenes);
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
