package dev.longwatch.deploy.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Several minutes of the shared clips strung together with Debian's ffmpeg: each clip scaled and
 * padded to 640x360 at 25 fps (H.264), then the list played {@code rounds} times by the concat
 * demuxer without re-encoding.
 */
final class LongVideo {
    private LongVideo() {}

    static Path make(Path clips, Path dir, int rounds) throws IOException, InterruptedException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(clips)) {
            sources = files.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        if (sources.isEmpty()) {
            throw new IllegalStateException("no clips in " + clips);
        }
        List<String> list = new ArrayList<>();
        for (Path source : sources) {
            Path normal = dir.resolve("part-" + source.getFileName());
            ffmpeg(List.of("ffmpeg", "-v", "error", "-y", "-i", source.toString(), "-an",
                    "-vf", "scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,fps=25,format=yuv420p",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", normal.toString()));
            list.add("file '" + normal + "'");
        }
        List<String> repeated = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            repeated.addAll(list);
        }
        Path listFile = Files.write(dir.resolve("parts.txt"), repeated);
        Path video = dir.resolve("long.mp4");
        ffmpeg(List.of("ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", listFile.toString(),
                "-c", "copy", video.toString()));
        return video;
    }

    private static void ffmpeg(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}
