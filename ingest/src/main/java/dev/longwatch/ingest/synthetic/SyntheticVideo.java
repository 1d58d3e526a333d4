package dev.longwatch.ingest.synthetic;

import dev.longwatch.ingest.source.FfmpegNative;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes a test video of distinct scenes: each scene has its own background colour and its own
 * moving pattern (bouncing disc, rotating bars, scrolling checkerboard, stripes, pulsing grid,
 * spinning triangle) plus a label, so scene changes are obvious to any image encoder. Frames are
 * drawn with Java2D from the frame index alone, so the picture content is deterministic.
 *
 * <p>Encoded as H.264 with libopenh264 when the FFmpeg build has it (the bytedeco build does),
 * else MPEG-4 Part 2, in an MP4 container.
 */
public final class SyntheticVideo {
    /** Encoders tried in order; the first one FFmpeg knows is used. */
    static final List<String> CODECS = List.of("libopenh264", "libx264", "mpeg4");

    private static final Color[] BACKGROUNDS = {
        new Color(200, 30, 30), // red
        new Color(20, 140, 40), // green
        new Color(30, 50, 190), // blue
        new Color(230, 200, 20), // yellow
        new Color(150, 30, 160), // purple
        new Color(20, 180, 190), // cyan
    };
    private static final int PATTERNS = 6;

    /**
     * What to draw.
     *
     * @param sceneSeconds the length of each scene, in order; at least one, each long enough for
     *     one frame
     * @param fps frames per second
     * @param width frame width (even)
     * @param height frame height (even)
     */
    public record Options(List<Double> sceneSeconds, int fps, int width, int height) {
        public Options {
            sceneSeconds = List.copyOf(sceneSeconds);
            if (sceneSeconds.isEmpty() || fps <= 0) {
                throw new IllegalArgumentException("at least one scene and a positive fps: " + sceneSeconds + ", " + fps);
            }
            for (double seconds : sceneSeconds) {
                if (!(Math.round(seconds * fps) >= 1)) {
                    throw new IllegalArgumentException("every scene needs at least one frame at " + fps + " fps: " + sceneSeconds);
                }
            }
            if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("width and height must be even and >= 16");
            }
        }

        /** {@code scenes} scenes of {@code sceneSeconds} each. */
        public Options(int scenes, double sceneSeconds, int fps, int width, int height) {
            this(Collections.nCopies(Math.max(0, scenes), sceneSeconds), fps, width, height);
        }

        /** 6 scenes of 5 s at 25 fps, 320x240: a 30 s clip. */
        public static Options defaults() {
            return new Options(6, 5, 25, 320, 240);
        }

        public int scenes() {
            return sceneSeconds.size();
        }

        /** Index of the first frame of {@code scene}; {@code firstFrame(scenes())} is the frame count. */
        public int firstFrame(int scene) {
            int frame = 0;
            for (int s = 0; s < scene; s++) {
                frame += (int) Math.round(sceneSeconds.get(s) * fps);
            }
            return frame;
        }

        public int frames() {
            return firstFrame(scenes());
        }

        /** The scene frame {@code index} belongs to (the last scene for an index past the end). */
        int sceneOfFrame(int index) {
            int scene = 0;
            while (scene < scenes() - 1 && index >= firstFrame(scene + 1)) {
                scene++;
            }
            return scene;
        }
    }

    /**
     * One scene's span of media time.
     *
     * @param index scene number from 0
     * @param startMs presentation time of its first frame
     * @param endMs presentation time where the next scene starts (exclusive)
     */
    public record Scene(int index, long startMs, long endMs) {}

    /**
     * The written clip.
     *
     * @param path the MP4 file
     * @param scenes scene boundaries in ms of media time
     * @param frames frames written
     * @param durationMs total duration
     * @param codec the encoder used
     */
    public record Clip(Path path, List<Scene> scenes, int frames, long durationMs, String codec) {
        public Clip {
            scenes = List.copyOf(scenes);
        }

        /** The scene showing at {@code ptsMs}. */
        public int sceneAt(long ptsMs) {
            for (Scene s : scenes) {
                if (ptsMs >= s.startMs() && ptsMs < s.endMs()) {
                    return s.index();
                }
            }
            return ptsMs < 0 ? 0 : scenes.size() - 1;
        }
    }

    private SyntheticVideo() {}

    /** Writes the default clip (6 scenes x 5 s, 25 fps, 320x240) to {@code file}. */
    public static Clip write(Path file) throws IOException {
        return write(file, Options.defaults());
    }

    public static Clip write(Path file, Options options) throws IOException {
        FfmpegNative.init();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        IOException last = null;
        for (String codec : CODECS) {
            if (!encoderAvailable(codec)) {
                continue;
            }
            try {
                return record(file, options, codec);
            } catch (IOException e) {
                last = e; // e.g. an encoder that exists but rejects the settings: try the next
                Files.deleteIfExists(file);
            }
        }
        throw new IOException("no usable video encoder among " + CODECS, last);
    }

    /** Draws frame {@code index} of {@code options}; public so tests can compare decoded pixels. */
    public static BufferedImage render(Options options, int index) {
        int w = options.width();
        int h = options.height();
        int scene = options.sceneOfFrame(index);
        int local = index - options.firstFrame(scene);
        double t = local / (double) options.fps(); // seconds into the scene
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(background(scene));
            g.fillRect(0, 0, w, h);
            drawPattern(g, scene % PATTERNS, t, w, h);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, h / 10)));
            g.drawString("SCENE " + (scene + 1), w / 20, h - h / 20);
        } finally {
            g.dispose();
        }
        return image;
    }

    static Color background(int scene) {
        if (scene < BACKGROUNDS.length) {
            return BACKGROUNDS[scene];
        }
        // Beyond the palette: golden-ratio hue steps keep neighbours far apart.
        float hue = (float) ((scene * 0.6180339887) % 1.0);
        return Color.getHSBColor(hue, 0.8f, 0.5f + 0.3f * (scene % 2));
    }

    private static void drawPattern(Graphics2D g, int pattern, double t, int w, int h) {
        switch (pattern) {
            case 0 -> { // a white disc bouncing left-right
                int r = h / 6;
                double x = (w - 2 * r) * (0.5 + 0.5 * Math.sin(t * 2.0));
                g.setColor(Color.WHITE);
                g.fill(new Ellipse2D.Double(x, h / 2.0 - r, 2 * r, 2 * r));
            }
            case 1 -> { // black bars rotating about the centre
                AffineTransform saved = g.getTransform();
                g.translate(w / 2.0, h / 2.0);
                g.rotate(t * 1.5);
                g.setColor(Color.BLACK);
                for (int i = -3; i <= 3; i++) {
                    g.fillRect(i * w / 10 - w / 40, -h, w / 20, 2 * h);
                }
                g.setTransform(saved);
            }
            case 2 -> { // scrolling black-and-white checkerboard in the middle band
                int cell = Math.max(4, h / 8);
                int offset = (int) (t * 40) % (2 * cell);
                for (int y = h / 4; y < 3 * h / 4; y += cell) {
                    for (int x = -2 * cell; x < w + 2 * cell; x += cell) {
                        boolean dark = ((x / cell) + (y / cell)) % 2 == 0;
                        g.setColor(dark ? Color.BLACK : Color.WHITE);
                        g.fillRect(x + offset, y, cell, cell);
                    }
                }
            }
            case 3 -> { // diagonal dark stripes sliding down
                g.setColor(new Color(40, 40, 40));
                g.setStroke(new BasicStroke(Math.max(2, w / 40f)));
                int step = Math.max(8, w / 8);
                int shift = (int) (t * 30) % step;
                for (int x = -h; x < w + h; x += step) {
                    g.drawLine(x + shift, 0, x + shift + h, h);
                }
            }
            case 4 -> { // a grid of squares pulsing in size
                g.setColor(new Color(250, 250, 210));
                int cols = 5;
                int rows = 4;
                double scale = 0.3 + 0.25 * (1 + Math.sin(t * 3.0));
                for (int i = 0; i < cols; i++) {
                    for (int j = 0; j < rows; j++) {
                        double cw = w / (double) cols;
                        double ch = h / (double) rows;
                        double s = Math.min(cw, ch) * scale;
                        g.fillRect(
                                (int) (i * cw + (cw - s) / 2),
                                (int) (j * ch + (ch - s) / 2),
                                (int) s,
                                (int) s);
                    }
                }
            }
            default -> { // a large orange-black triangle spinning
                AffineTransform saved = g.getTransform();
                g.translate(w / 2.0, h / 2.0);
                g.rotate(-t * 1.2);
                double r = h * 0.4;
                Path2D tri = new Path2D.Double();
                for (int k = 0; k < 3; k++) {
                    double a = k * 2 * Math.PI / 3;
                    if (k == 0) {
                        tri.moveTo(r * Math.cos(a), r * Math.sin(a));
                    } else {
                        tri.lineTo(r * Math.cos(a), r * Math.sin(a));
                    }
                }
                tri.closePath();
                g.setColor(Color.BLACK);
                g.fill(tri);
                g.setColor(new Color(255, 140, 0));
                g.setStroke(new BasicStroke(Math.max(2, w / 60f)));
                g.draw(tri);
                g.setTransform(saved);
            }
        }
    }

    private static boolean encoderAvailable(String name) {
        var codec = avcodec.avcodec_find_encoder_by_name(name);
        return codec != null && !codec.isNull();
    }

    private static Clip record(Path file, Options o, String codec) throws IOException {
        int total = o.frames();
        try (FFmpegFrameRecorder recorder =
                        new FFmpegFrameRecorder(file.toString(), o.width(), o.height(), 0);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName(codec);
            recorder.setFrameRate(o.fps());
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            // Generous bitrate so the scenes stay crisp; a keyframe every second for seeking.
            recorder.setVideoBitrate(Math.max(200_000, o.width() * o.height() * 8));
            recorder.setGopSize(o.fps());
            recorder.start();
            for (int i = 0; i < total; i++) {
                recorder.record(converter.convert(render(o, i)), avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("encoding " + file + " with " + codec + " failed: " + e.getMessage(), e);
        }
        List<Scene> scenes = new ArrayList<>();
        for (int s = 0; s < o.scenes(); s++) {
            scenes.add(
                    new Scene(
                            s,
                            frameMs(o.firstFrame(s), o.fps()),
                            frameMs(o.firstFrame(s + 1), o.fps())));
        }
        return new Clip(file, scenes, total, frameMs(total, o.fps()), codec);
    }

    private static long frameMs(long frame, int fps) {
        return Math.round(frame * 1000.0 / fps);
    }
}
