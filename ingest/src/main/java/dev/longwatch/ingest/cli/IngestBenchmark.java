package dev.longwatch.ingest.cli;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./longwatch bench ingest --json FILE}: how fast ingest reads a 1080p H.264 file compared
 * with FFmpeg itself. Writes {@code {"results":[{"mode","framesPerSec","ffmpegFramesPerSec","ratio"}]}}.
 *
 * <p>framesPerSec counts the file's frames (decoded or skipped) per second of wall time, for the
 * whole ingest path minus Kafka: open, decode, sample at 1 fps, convert and JPEG-encode the kept
 * frames. ffmpegFramesPerSec is Debian's {@code ffmpeg -i F -f null -} decoding the same file in
 * the same run. Modes: {@code sampled} (every frame decoded) and {@code keyframes} (only keyframes
 * decoded, the fast mode for files).
 */
public final class IngestBenchmark {
    /** 1080p, 4 scenes of 10 s at 25 fps: 1000 frames. */
    static final SyntheticVideo.Options VIDEO = new SyntheticVideo.Options(4, 10, 25, 1920, 1080);

    /** One mode's figures. */
    public record Result(String mode, double framesPerSec, double ffmpegFramesPerSec, double ratio) {}

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
            progress.println("writing a 1080p H.264 test file (" + VIDEO.scenes() * VIDEO.framesPerScene() + " frames)...");
            SyntheticVideo.write(file, VIDEO);
            long frames = (long) VIDEO.scenes() * VIDEO.framesPerScene();
            double ffmpegFps = frames / ffmpegSeconds(file);
            progress.printf(Locale.ROOT, "ffmpeg -f null: %.1f frames/s%n", ffmpegFps);
            List<Result> results =
                    List.of(
                            measure("sampled", file, frames, false, ffmpegFps, progress),
                            measure("keyframes", file, frames, true, ffmpegFps, progress));
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

    private static Result measure(
            String mode, Path file, long frames, boolean keyframes, double ffmpegFps, PrintStream progress)
            throws IOException {
        JpegEncoder jpeg = new JpegEncoder();
        FrameSampler sampler = new FrameSampler(1.0);
        long kept = 0;
        long start = System.nanoTime();
        try (FrameSource source =
                FfmpegFrameSource.open(
                        SourceLocation.resolve(file.toString(), List.of()),
                        SourceOptions.defaults().withKeyframesOnly(keyframes))) {
            Optional<SourceFrame> next;
            while ((next = source.next()).isPresent()) {
                if (sampler.accept(next.get().ptsMs())) {
                    jpeg.encode(next.get().toImage(jpeg.maxWidth()));
                    kept++;
                }
            }
        } catch (SourceException e) {
            throw new IOException("bench file unreadable: " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double fps = frames / seconds;
        Result r = new Result(mode, round(fps), round(ffmpegFps), round(fps / ffmpegFps));
        progress.printf(Locale.ROOT, "%s: %.1f frames/s (%d kept), ratio %.2f%n", mode, fps, kept, r.ratio());
        return r;
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
