package dev.longwatch.ingest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.longwatch.ingest.image.JpegEncoder;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.FfmpegFrameSource;
import dev.longwatch.ingest.source.FrameSource;
import dev.longwatch.ingest.source.SourceException;
import dev.longwatch.ingest.source.SourceFrame;
import dev.longwatch.ingest.source.SourceLocation;
import dev.longwatch.ingest.source.SourceOptions;
import dev.longwatch.ingest.synthetic.SyntheticVideo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./longwatch bench ingest --json FILE}: how fast ingest reads a 1080p H.264 file compared
 * with FFmpeg itself. Writes {@code {"results":[{"mode","framesPerSec","ffmpegFramesPerSec",
 * "ratio","ratios"}]}}.
 *
 * <p>framesPerSec counts the file's frames (decoded or skipped) per second of wall time, for the
 * whole ingest path minus Kafka: open, decode, sample at 1 fps, convert and JPEG-encode the kept
 * frames. ffmpegFramesPerSec is Debian's {@code ffmpeg -i F -f null -} decoding the same file in
 * the same run. Modes: {@code sampled} (every frame decoded) and {@code keyframes} (only keyframes
 * decoded, the fast mode for files).
 *
 * <p>Method: one untimed warm-up pass (native libraries, JIT, ImageIO: one-off costs of a process
 * that then ingests for hours; ffmpeg's own start-up stays in its figure), then {@link #ROUNDS}
 * rounds, each timing ffmpeg and then every mode back to back. A round's ratio compares figures
 * taken seconds apart, under the same load from whatever else runs on the machine; {@code ratio}
 * is the median of the rounds' ratios ({@code ratios}), the frame rates are medians.
 */
public final class IngestBenchmark {
    /** 1080p, 4 scenes of 10 s at 25 fps: 1000 frames. */
    static final SyntheticVideo.Options VIDEO = new SyntheticVideo.Options(4, 10, 25, 1920, 1080);
    static final int ROUNDS = 5;
    private static final List<String> MODES = List.of("sampled", "keyframes");

    /**
     * One mode's figures.
     *
     * @param ratio the median of {@code ratios}
     * @param ratios framesPerSec / ffmpegFramesPerSec of each round
     */
    public record Result(
            String mode, double framesPerSec, double ffmpegFramesPerSec, double ratio, List<Double> ratios) {}

    private IngestBenchmark() {}

    /**
     * Generates the file in a temporary directory, measures, writes {@code jsonOut} and returns the
     * results.
     *
     * @throws IOException when the file cannot be written or Debian's {@code ffmpeg} is missing
     *     (apt-get install ffmpeg)
     */
    public static List<Result> run(Path jsonOut, PrintStream progress) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lw-bench-ingest");
        try {
            Path file = dir.resolve("bench-1080p.mp4");
            progress.println("writing a 1080p H.264 test file (" + VIDEO.frames() + " frames)...");
            SyntheticVideo.write(file, VIDEO);
            long frames = (long) VIDEO.frames();
            ingest(file, false, 100); // warm-up, untimed
            List<Double> ffmpegFps = new ArrayList<>();
            Map<String, List<Double>> fps = new LinkedHashMap<>();
            for (int round = 1; round <= ROUNDS; round++) {
                double reference = frames / ffmpegSeconds(file);
                ffmpegFps.add(reference);
                progress.printf(Locale.ROOT, "round %d/%d: ffmpeg -f null %.1f frames/s", round, ROUNDS, reference);
                for (String mode : MODES) {
                    double seconds = ingest(file, mode.equals("keyframes"), Long.MAX_VALUE);
                    fps.computeIfAbsent(mode, m -> new ArrayList<>()).add(frames / seconds);
                    progress.printf(Locale.ROOT, ", %s %.1f (ratio %.2f)", mode, frames / seconds, frames / seconds / reference);
                }
                progress.println();
            }
            List<Result> results = new ArrayList<>();
            for (String mode : MODES) {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < ROUNDS; i++) {
                    ratios.add(round(fps.get(mode).get(i) / ffmpegFps.get(i)));
                }
                Result r = new Result(mode, round(median(fps.get(mode))), round(median(ffmpegFps)), median(ratios), ratios);
                progress.printf(Locale.ROOT, "%s: %.1f frames/s, ratio %.2f (rounds %s)%n", mode, r.framesPerSec(), r.ratio(), ratios);
                results.add(r);
            }
            Path parent = jsonOut.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(jsonOut.toFile(), Map.of("results", results));
            progress.println("wrote " + jsonOut);
            return results;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Seconds to ingest up to {@code maxFrames} frames of {@code file} as StreamRun does, minus
     * Kafka: decode, sample at 1 fps, convert and JPEG-encode the kept frames.
     */
    private static double ingest(Path file, boolean keyframes, long maxFrames) throws IOException {
        JpegEncoder jpeg = new JpegEncoder();
        FrameSampler sampler = new FrameSampler(1.0);
        long start = System.nanoTime();
        try (FrameSource source =
                FfmpegFrameSource.open(
                        SourceLocation.resolve(file.toString(), List.of()),
                        SourceOptions.defaults().withKeyframesOnly(keyframes))) {
            Optional<SourceFrame> next;
            long n = 0;
            while (n++ < maxFrames && (next = source.next()).isPresent()) {
                if (sampler.accept(next.get().ptsMs())) {
                    jpeg.encode(next.get().toImage(jpeg.maxWidth()));
                }
            }
        } catch (SourceException e) {
            throw new IOException("bench file unreadable: " + e.getMessage(), e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Wall time of Debian's ffmpeg decoding every frame of {@code file} to nowhere. */
    private static double ffmpegSeconds(Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p =
                    new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-i", file.toString(), "-f", "null", "-")
                            .redirectErrorStream(true)
                            .start();
        } catch (IOException e) {
            throw new IOException("the ingest bench needs Debian's ffmpeg on PATH (apt-get install ffmpeg): " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
