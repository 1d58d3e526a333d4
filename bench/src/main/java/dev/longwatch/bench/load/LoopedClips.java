package dev.longwatch.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The shared clips looped to outlast a run, as the cameras serve them. An RTSP media that reaches
 * its end is an outage for ingest, so each clip is repeated (Debian's {@code ffmpeg
 * -stream_loop}, stream copy: no re-encoding, timestamps continue across the loops) into a file
 * at least {@code length} long. Made once per clip and length, in a cache directory that outlives
 * runs.
 */
final class LoopedClips {
    static final String FFMPEG = "/usr/bin/ffmpeg";

    private LoopedClips() {}

    /** The H.264 MP4 clips of {@code videoDir}, sorted by name. */
    static List<Path> sharedClips(Path videoDir) throws IOException {
        if (!Files.isDirectory(videoDir)) {
            throw new IllegalArgumentException("no clips: " + videoDir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(videoDir)) {
            List<Path> clips = files.filter(f -> f.getFileName().toString().endsWith(".mp4")).sorted().toList();
            if (clips.isEmpty()) {
                throw new IllegalArgumentException("no .mp4 clips in " + videoDir);
            }
            return clips;
        }
    }

    /** Each clip looped to at least {@code length}, video only, in {@code cacheDir}. */
    static List<Path> loop(List<Path> clips, Duration length, Path cacheDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(FFMPEG))) {
            throw new IllegalStateException("bench load needs Debian's ffmpeg to loop the clips: apt-get install ffmpeg");
        }
        Files.createDirectories(cacheDir);
        long seconds = Math.max(60, length.toSeconds());
        List<Path> looped = new ArrayList<>();
        for (Path clip : clips) {
            String name = clip.getFileName().toString().replaceFirst("\\.mp4$", "");
            Path out = cacheDir.resolve(name + "-" + seconds + "s.mp4");
            if (!Files.exists(out)) {
                Path partial = cacheDir.resolve(out.getFileName() + ".part.mp4");
                // -stream_loop -1 repeats forever; -t cuts the copy at the length asked for.
                Process ffmpeg = new ProcessBuilder(
                                FFMPEG, "-v", "error", "-y", "-stream_loop", "-1", "-i", clip.toString(),
                                "-an", "-c:v", "copy", "-t", Long.toString(seconds), partial.toString())
                        .redirectErrorStream(true)
                        .start();
                String output = new String(ffmpeg.getInputStream().readAllBytes());
                if (!ffmpeg.waitFor(10, TimeUnit.MINUTES) || ffmpeg.exitValue() != 0) {
                    ffmpeg.destroyForcibly();
                    throw new IOException("ffmpeg could not loop " + clip + ": " + output.strip());
                }
                Files.move(partial, out);
            }
            looped.add(out);
        }
        return looped;
    }
}
