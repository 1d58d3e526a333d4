package dev.longwatch.ingest.source;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made from a shared clip with Debian's {@code ffmpeg} CLI: the same 6 s of real
 * footage (320x180, 25 fps, 150 frames, H.264 with B-frames) in every container the sources must
 * read, H.265 too, an HLS rendition and a variable-frame-rate file.
 */
final class MediaFixtures {
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final Path SOURCE_CLIP = Path.of(System.getProperty("longwatch.shared", "../shared"), "data/video/malmm-example-70s.mp4").toAbsolutePath().normalize();
    static final int WIDTH = 320;
    static final int HEIGHT = 180;
    static final int FPS = 25;
    static final long DURATION_MS = 6_000;
    static final int FRAMES = 150;

    static final String H264_MP4 = "h264.mp4";
    static final String H265_MP4 = "h265.mp4";
    static final String MKV = "clip.mkv";
    static final String TS = "clip.ts";
    static final String AVI = "clip.avi";
    static final String HLS_PLAYLIST = "hls/clip.m3u8";
    static final String VFR_MP4 = "vfr.mp4";

    /** The variable-rate file: 2 s at 30 fps, 2 s at 6 fps, 2 s at 50 fps. */
    static final int[] VFR_RATES = {30, 6, 50};
    static final int VFR_FRAMES = 2 * (30 + 6 + 50);

    private MediaFixtures() {}

    /** Skips the calling test when Debian's ffmpeg (with libx264 and libx265) or the clip is missing. */
    static void assumeAvailable() throws Exception {
        assumeTrue(Files.isExecutable(FFMPEG), "Debian's ffmpeg missing: apt-get install ffmpeg");
        assumeTrue(Files.isReadable(SOURCE_CLIP), "shared clip missing: " + SOURCE_CLIP);
        String encoders = run(List.of(FFMPEG.toString(), "-hide_banner", "-encoders"));
        assumeTrue(
                encoders.contains("libx264") && encoders.contains("libx265"),
                "Debian's ffmpeg lacks libx264 or libx265");
    }

    /** Writes every fixture into {@code dir}. */
    static void writeAll(Path dir) throws IOException, InterruptedException {
        String src = SOURCE_CLIP.toString();
        List<String> cut = List.of("-t", "6", "-an", "-vf", "scale=" + WIDTH + ":" + HEIGHT + ",fps=" + FPS);
        // H.264 with two B-frames and a keyframe a second: decode order differs from display order.
        ffmpeg(dir, concat(List.of("-i", src), cut,
                List.of("-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "2",
                        "-pix_fmt", "yuv420p", "-movflags", "+faststart", H264_MP4)));
        ffmpeg(dir, concat(List.of("-i", src), cut,
                List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=25",
                        "-tag:v", "hvc1", "-pix_fmt", "yuv420p", "-movflags", "+faststart", H265_MP4)));
        // The same H.264 stream remuxed: only the container differs. AVI stores no presentation
        // times, so its B-frames come out with reconstructed (and at the end missing) timestamps.
        for (String container : List.of(MKV, TS, AVI)) {
            ffmpeg(dir, List.of("-i", H264_MP4, "-c", "copy", container));
        }
        Files.createDirectories(dir.resolve("hls"));
        ffmpeg(dir, List.of("-i", H264_MP4, "-c", "copy", "-f", "hls", "-hls_time", "2",
                "-hls_playlist_type", "vod", "-hls_segment_filename", "hls/seg%02d.ts", HLS_PLAYLIST));
        writeVariableFrameRate(dir);
    }

    /** Three 2 s parts at different rates, concatenated without re-encoding: one VFR stream. */
    private static void writeVariableFrameRate(Path dir) throws IOException, InterruptedException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < VFR_RATES.length; i++) {
            String part = "vfr-part" + i + ".mp4";
            ffmpeg(dir, List.of("-ss", Integer.toString(2 * i), "-i", SOURCE_CLIP.toString(), "-t", "2", "-an",
                    "-vf", "scale=" + WIDTH + ":" + HEIGHT + ",fps=" + VFR_RATES[i],
                    "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p",
                    // One time base for all parts, so the concat demuxer can copy them as one stream.
                    "-video_track_timescale", "90000", part));
            list.append("file '").append(part).append("'\n");
        }
        Files.writeString(dir.resolve("vfr-parts.txt"), list);
        ffmpeg(dir, List.of("-f", "concat", "-safe", "0", "-i", "vfr-parts.txt", "-c", "copy", VFR_MP4));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    static void ffmpeg(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(FFMPEG.toString(), "-v", "error", "-nostdin", "-y"));
        cmd.addAll(args);
        String out = run(cmd, dir);
        if (!out.isBlank()) {
            System.err.println("ffmpeg " + args + ": " + out);
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, Path.of("."));
    }

    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("failed: " + String.join(" ", cmd) + "\n" + out);
        }
        return out;
    }
}
