package dev.longwatch.encoder.preprocess;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frames to the model's input tensor following a {@link PreprocessSpec}: a separable resize with
 * Pillow's taps ({@link ResampleWeights}), the centre crop, {@code (v / 255 - mean) / std},
 * planar RGB, written into a float array or straight into a (direct) {@link FloatBuffer}.
 *
 * <p>Resize and crop are fused: only the source pixels under the crop window are read and only
 * the output pixels inside it are computed. Values are clamped to [0, 255] after resampling, as Pillow does, because bicubic
 * overshoots at edges. Pure Java, no native code; safe to share between threads.
 */
public final class ImagePreprocessor {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ACCUMULATOR = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private final PreprocessSpec spec;
    private final float[] scale = new float[3];
    private final float[] bias = new float[3];
    // Frames of one stream share a size, so the taps are computed once per frame size.
    private final Map<Long, CropTaps> tapsCache = new ConcurrentHashMap<>();

    public ImagePreprocessor(PreprocessSpec spec) {
        this.spec = spec;
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            bias[c] = -mean[c] / std[c];
        }
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /** One frame as a new {@code 3 × height × width} planar array. */
    public float[] toNchw(BufferedImage image) {
        float[] out = new float[spec.floatsPerFrame()];
        writeNchw(image, out, 0);
        return out;
    }

    /** Writes one frame's {@code 3 × height × width} planar floats into {@code dst} at {@code offset}. */
    public void writeNchw(BufferedImage image, float[] dst, int offset) {
        writeNchw(image, dst, offset, 0, spec.cropHeight());
    }

    /**
     * Writes only output rows {@code yFrom..yTo-1} of the frame (all three planes), so that one
     * frame can be split across threads; bands never write the same element.
     */
    public void writeNchw(BufferedImage image, float[] dst, int offset, int yFrom, int yTo) {
        int width = spec.cropWidth();
        int plane = width * spec.cropHeight();
        resampleRows(image, yFrom, yTo, (y, row) -> {
            int at = offset + y * width;
            System.arraycopy(row, 0, dst, at, width);
            System.arraycopy(row, width, dst, at + plane, width);
            System.arraycopy(row, 2 * width, dst, at + 2 * plane, width);
        });
    }

    /**
     * As {@link #writeNchw(BufferedImage, float[], int, int, int)}, into {@code dst} at absolute
     * float index {@code offset} (position and limit are neither used nor changed), so a model
     * input held in a direct buffer is filled in place, with no staging array and no copy.
     */
    public void writeNchw(BufferedImage image, FloatBuffer dst, int offset, int yFrom, int yTo) {
        int width = spec.cropWidth();
        int plane = width * spec.cropHeight();
        resampleRows(image, yFrom, yTo, (y, row) -> {
            int at = offset + y * width;
            dst.put(at, row, 0, width);
            dst.put(at + plane, row, width, width);
            dst.put(at + 2 * plane, row, 2 * width, width);
        });
    }

    /** Receives one finished output row: R, G and B, {@code cropWidth} values each, in {@code row}. */
    private interface RowSink {
        void accept(int y, float[] row);
    }

    private void resampleRows(BufferedImage image, int yFrom, int yTo, RowSink sink) {
        if (yFrom < 0 || yTo > spec.cropHeight() || yFrom >= yTo) {
            throw new IllegalArgumentException("rows " + yFrom + ".." + yTo + " outside 0.." + spec.cropHeight());
        }
        CropTaps taps = taps(image.getWidth(), image.getHeight());
        resample(image, BgrRaster.bytes(image), taps, yFrom, yTo, sink);
    }

    /**
     * Widens source row {@code sy}, columns {@code colLo..colHi-1}, to floats at {@code to},
     * interleaved in B, G, R order (the byte order of the 3-byte BGR images JPEG decoding
     * produces, so that path is a straight, vectorisable widening copy).
     */
    private static void widenRow(BufferedImage image, byte[] bgr, int sy, int colLo, int colHi, float[] dst, int to) {
        int spanFloats = (colHi - colLo) * 3;
        if (bgr != null) {
            int from = (sy * image.getWidth() + colLo) * 3;
            for (int i = 0; i < spanFloats; i++) {
                dst[to + i] = bgr[from + i] & 0xff;
            }
            return;
        }
        int[] row = new int[colHi - colLo];
        image.getRGB(colLo, sy, colHi - colLo, 1, row, 0, colHi - colLo);
        for (int x = 0; x < row.length; x++) {
            dst[to + x * 3] = row[x] & 0xff;
            dst[to + x * 3 + 1] = (row[x] >> 8) & 0xff;
            dst[to + x * 3 + 2] = (row[x] >> 16) & 0xff;
        }
    }

    /**
     * Vertical pass first, a whole window row at a time (a plain multiply-add over contiguous
     * arrays, which the JIT vectorises), then the horizontal taps of that one row with a fixed
     * tap count ({@link CropTaps}); the same sum as Pillow's horizontal-then-vertical order,
     * without a second full-size buffer.
     *
     * <p>Source rows are widened to floats once each, as the vertical taps first reach them, into
     * a ring of {@link CropTaps#rowTaps()} rows (taps only move down, so a row leaves the ring
     * only after its last use). The ring stays in L1 where a window of the whole crop would not.
     */
    private void resample(BufferedImage image, byte[] bgr, CropTaps taps, int yFrom, int yTo, RowSink sink) {
        ResizePlan plan = taps.plan();
        ResampleWeights vertical = taps.vertical();
        int colLo = taps.colLo();
        int colHi = taps.colHi();
        int spanFloats = (colHi - colLo) * 3;
        int ring = taps.rowTaps();
        float[] window = scratch(SCRATCH, ring * spanFloats);
        int widened = -1; // last source row in the ring
        int outW = plan.cropWidth();
        float[] acc = scratch(ACCUMULATOR, spanFloats);
        float[] row = scratch(ROW, 3 * outW);
        int[] offsets = taps.offsets();
        float[] weights = taps.weights();
        int count = taps.taps();
        float scaleR = scale[0], scaleG = scale[1], scaleB = scale[2];
        float biasR = bias[0], biasG = bias[1], biasB = bias[2];
        for (int y = yFrom; y < yTo; y++) {
            int oy = plan.cropY() + y;
            int first = vertical.first()[oy];
            int rows = vertical.taps()[oy];
            for (int sy = Math.max(first, widened + 1); sy < first + rows; sy++) {
                widenRow(image, bgr, sy, colLo, colHi, window, (sy % ring) * spanFloats);
                widened = sy;
            }
            // The first tap assigns rather than adds to a zeroed row: the same sum, one pass less.
            float w0 = vertical.weight(oy, 0);
            int base0 = (first % ring) * spanFloats;
            for (int i = 0; i < spanFloats; i++) {
                acc[i] = w0 * window[base0 + i];
            }
            for (int k = 1; k < rows; k++) {
                float w = vertical.weight(oy, k);
                int base = ((first + k) % ring) * spanFloats;
                for (int i = 0; i < spanFloats; i++) {
                    acc[i] += w * window[base + i];
                }
            }
            for (int x = 0; x < outW; x++) {
                int p = offsets[x];
                int wx = x * count;
                float b = 0, g = 0, r = 0;
                for (int k = 0; k < count; k++, p += 3) {
                    float w = weights[wx + k];
                    b += w * acc[p];
                    g += w * acc[p + 1];
                    r += w * acc[p + 2];
                }
                row[x] = clamp(r) * scaleR + biasR;
                row[x + outW] = clamp(g) * scaleG + biasG;
                row[x + 2 * outW] = clamp(b) * scaleB + biasB;
            }
            sink.accept(y, row);
        }
    }

    /**
     * Per-thread buffers (a few source rows, one accumulator row, one output row): reused rather
     * than allocated per frame. Every element up to {@code size} is written before it is read.
     */
    private static float[] scratch(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer.length < size) {
            buffer = new float[size];
            holder.set(buffer);
        }
        return buffer;
    }

    private CropTaps taps(int width, int height) {
        if (tapsCache.size() > 64) {
            tapsCache.clear(); // many frame sizes: recompute rather than grow without bound
        }
        return tapsCache.computeIfAbsent(((long) width << 32) | height, key -> CropTaps.of(spec, width, height));
    }

    /** Same result as {@code v < 0 ? 0 : Math.min(v, 255)} (NaN and -0 included), without the intrinsic's blend. */
    private static float clamp(float v) {
        return v < 0f ? 0f : (v > 255f ? 255f : v);
    }
}
