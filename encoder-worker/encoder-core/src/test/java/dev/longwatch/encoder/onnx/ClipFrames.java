package dev.longwatch.encoder.onnx;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Frames of a real clip, one every {@code everyMs} of media time, decoded with JavaCV. */
final class ClipFrames {
    private ClipFrames() {}

    static List<BufferedImage> sample(Path clip, long everyMs, int count) throws Exception {
        List<BufferedImage> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.toFile());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            long nextMs = 0;
            Frame frame;
            while (frames.size() < count && (frame = grabber.grabImage()) != null) {
                if (frame.timestamp / 1000 >= nextMs) {
                    // The converter reuses its image between calls: keep a copy.
                    frames.add(Java2DFrameConverter.cloneBufferedImage(converter.convert(frame)));
                    nextMs += everyMs;
                }
            }
            grabber.stop();
        }
        return frames;
    }

    /** Mean over token positions of the cosine between the two frames' tokens. */
    static double meanTokenCosine(float[] a, float[] b, int tokens, int dim) {
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            double dot = 0, na = 0, nb = 0;
            for (int i = t * dim; i < (t + 1) * dim; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            sum += dot / Math.max(Math.sqrt(na * nb), 1e-12);
        }
        return sum / tokens;
    }
}
