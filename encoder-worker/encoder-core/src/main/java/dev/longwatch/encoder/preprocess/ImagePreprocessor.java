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
 * the output pixels inside it are computed. With a kernel that overshoots (bicubic), values are
 * clamped to [0, 255] after each pass, as Pillow clamps its 8-bit images; a bilinear pass cannot
 * leave that range. Pure Java, no native code; safe to share between threads.
 */
public final class ImagePreprocessor {
    private static final ThreadLocal<float[][]> RING = ThreadLocal.withInitial(() -> new float[0][]);
    private static final float[] UNIT_SCALE = {1f, 1f, 1f};
    private static final float[] NO_BIAS = {0f, 0f, 0f};
    private static final ThreadLocal<float[]> SOURCE = ThreadLocal.withInitial(() -> new float[0]);
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
     * Widens source row {@code sy}, columns {@code colLo..colHi-1}, to floats at the start of
     * {@code dst}, interleaved in B, G, R order (the byte order of the 3-byte BGR images JPEG
     * decoding produces, so that path is a straight widening copy).
     */
    private static void widenRow(BufferedImage image, byte[] bgr, int sy, int colLo, int colHi, float[] dst) {
        int spanFloats = (colHi - colLo) * 3;
        if (bgr != null) {
            int from = (sy * image.getWidth() + colLo) * 3;
            for (int i = 0; i < spanFloats; i++) {
                dst[i] = bgr[from + i] & 0xff;
            }
            return;
        }
        int[] row = new int[colHi - colLo];
        image.getRGB(colLo, sy, colHi - colLo, 1, row, 0, colHi - colLo);
        for (int x = 0; x < row.length; x++) {
            dst[x * 3] = row[x] & 0xff;
            dst[x * 3 + 1] = (row[x] >> 8) & 0xff;
            dst[x * 3 + 2] = (row[x] >> 16) & 0xff;
        }
    }

    /**
     * The two separable passes, in the order the kernel needs. Pillow resamples horizontally,
     * stores that pass as an 8-bit image (so clamped to [0, 255]), then vertically. With a kernel
     * that {@link ResizeFilter#overshoots() overshoots} (bicubic), the clamp between the passes
     * changes the result at hard edges, so that order is kept ({@link #acrossThenDown}); without
     * it (bilinear) no value leaves [0, 255] and the vertical pass goes first ({@link
     * #downThenAcross}), whose horizontal pass runs on the crop's rows only (224 instead of about
     * 315 for a 640x360 frame), needs no clamp and writes the normalized output directly: 0.32
     * instead of 0.56 ms a frame.
     *
     * <p>Source rows are widened to floats once each, as the vertical taps first reach them, and
     * kept in a ring of {@link CropTaps#rowTaps()} rows (taps only move down, so a row leaves the
     * ring only after its last use). Each ring row is its own array and every vertical loop indexes
     * the ring row and the accumulator alike from 0: C2 (JDK 17) vectorises {@code acc[i] += w *
     * row[i]} but not {@code acc[i] += w * window[base + i]} with a variable {@code base}, which
     * ran 8× slower.
     *
     * <p>Where the span is wider than a widened source row (images narrower than the padded tap
     * count), the row's tail is never written from the image; it holds zeros or an earlier row's
     * values, finite either way, and only zero weights read it.
     */
    private void resample(BufferedImage image, byte[] bgr, CropTaps taps, int yFrom, int yTo, RowSink sink) {
        if (spec.filter().overshoots()) {
            acrossThenDown(image, bgr, taps, yFrom, yTo, sink);
        } else {
            downThenAcross(image, bgr, taps, yFrom, yTo, sink);
        }
    }

    /** Ring of widened source rows; per output row the vertical sum, then its horizontal taps. */
    private void downThenAcross(BufferedImage image, byte[] bgr, CropTaps taps, int yFrom, int yTo, RowSink sink) {
        ResizePlan plan = taps.plan();
        ResampleWeights vertical = taps.vertical();
        int spanFloats = taps.span() * 3;
        int outW = plan.cropWidth();
        int ringRows = taps.rowTaps();
        float[][] window = ring(ringRows, spanFloats);
        int widened = -1; // last source row in the ring
        float[] acc = scratch(ACCUMULATOR, spanFloats);
        float[] row = scratch(ROW, 3 * outW);
        for (int y = yFrom; y < yTo; y++) {
            int oy = plan.cropY() + y;
            int first = vertical.first()[oy];
            int rows = vertical.taps()[oy];
            for (int sy = Math.max(first, widened + 1); sy < first + rows; sy++) {
                widenRow(image, bgr, sy, taps.colLo(), taps.colHi(), window[sy % ringRows]);
                widened = sy;
            }
            down(window, ringRows, vertical, oy, spanFloats, acc);
            // Convex sums of [0, 255] values stay there (but for float rounding, a few ulps past
            // 255): no clamp, which is a quarter of this pass's time.
            horizontal(acc, taps, outW, row, scale, bias, false);
            sink.accept(y, row);
        }
    }

    /** Ring of horizontally resampled, clamped source rows; per output row their vertical sum. */
    private void acrossThenDown(BufferedImage image, byte[] bgr, CropTaps taps, int yFrom, int yTo, RowSink sink) {
        ResizePlan plan = taps.plan();
        ResampleWeights vertical = taps.vertical();
        int outW = plan.cropWidth();
        int rowFloats = 3 * outW;
        int ringRows = taps.rowTaps();
        float[][] window = ring(ringRows, rowFloats);
        int widened = -1; // last source row in the ring
        float[] source = scratch(SOURCE, taps.span() * 3);
        float[] acc = scratch(ACCUMULATOR, rowFloats);
        float[] row = scratch(ROW, rowFloats);
        for (int y = yFrom; y < yTo; y++) {
            int oy = plan.cropY() + y;
            int first = vertical.first()[oy];
            int rows = vertical.taps()[oy];
            for (int sy = Math.max(first, widened + 1); sy < first + rows; sy++) {
                widenRow(image, bgr, sy, taps.colLo(), taps.colHi(), source);
                horizontal(source, taps, outW, window[sy % ringRows], UNIT_SCALE, NO_BIAS, true);
                widened = sy;
            }
            down(window, ringRows, vertical, oy, rowFloats, acc);
            normalize(acc, outW, row);
            sink.accept(y, row);
        }
    }

    /** The vertical taps of output row {@code oy} over the ring's rows, {@code floats} wide. */
    private static void down(float[][] window, int ringRows, ResampleWeights vertical, int oy, int floats, float[] acc) {
        int first = vertical.first()[oy];
        // The first tap assigns rather than adds to a zeroed row: the same sum, one pass less.
        float w0 = vertical.weight(oy, 0);
        float[] row0 = window[first % ringRows];
        for (int i = 0; i < floats; i++) {
            acc[i] = w0 * row0[i];
        }
        for (int k = 1; k < vertical.taps()[oy]; k++) {
            float w = vertical.weight(oy, k);
            float[] rowK = window[(first + k) % ringRows];
            for (int i = 0; i < floats; i++) {
                acc[i] += w * rowK[i];
            }
        }
    }

    /** Planar R, G, B values in [0, 255] after clamping, to {@code (v / 255 - mean) / std}. */
    private void normalize(float[] planar, int outW, float[] row) {
        for (int c = 0; c < 3; c++) {
            float scaleC = scale[c];
            float biasC = bias[c];
            for (int i = c * outW, end = i + outW; i < end; i++) {
                row[i] = clamp(planar[i]) * scaleC + biasC;
            }
        }
    }

    /**
     * The horizontal taps of one row of interleaved B, G, R values (a widened source row, or a
     * vertical sum) into {@code out} as planar R, G, B blocks of {@code outW}, each clamped to [0,
     * 255] if {@code clamp} and then {@code v * scale[c] + bias[c]} (1 and 0 for an intermediate
     * row: exact). {@code clamp} is the same for every pixel of a call, so C2 unswitches the loop
     * on it and the unclamped loop carries no compares.
     */
    private static void horizontal(
            float[] source, CropTaps taps, int outW, float[] out, float[] scale, float[] bias, boolean clamp) {
        int[] offsets = taps.offsets();
        float[] weights = taps.weights();
        int count = taps.taps();
        float scaleR = scale[0], scaleG = scale[1], scaleB = scale[2];
        float biasR = bias[0], biasG = bias[1], biasB = bias[2];
        for (int x = 0; x < outW; x++) {
            int p = offsets[x];
            int wx = x * count;
            // Left to right, one tap after the other, as the plain loop adds them.
            float wa = weights[wx], wb = weights[wx + 1], wc = weights[wx + 2];
            float b = wa * source[p] + wb * source[p + 3] + wc * source[p + 6];
            float g = wa * source[p + 1] + wb * source[p + 4] + wc * source[p + 7];
            float r = wa * source[p + 2] + wb * source[p + 5] + wc * source[p + 8];
            for (int k = CropTaps.GROUP; k < count; k += CropTaps.GROUP) {
                p += 3 * CropTaps.GROUP;
                wa = weights[wx + k];
                wb = weights[wx + k + 1];
                wc = weights[wx + k + 2];
                b = b + wa * source[p] + wb * source[p + 3] + wc * source[p + 6];
                g = g + wa * source[p + 1] + wb * source[p + 4] + wc * source[p + 7];
                r = r + wa * source[p + 2] + wb * source[p + 5] + wc * source[p + 8];
            }
            if (clamp) {
                r = clamp(r);
                g = clamp(g);
                b = clamp(b);
            }
            out[x] = r * scaleR + biasR;
            out[x + outW] = g * scaleG + biasG;
            out[x + 2 * outW] = b * scaleB + biasB;
        }
    }

    /**
     * Per-thread buffers (one widened source row or horizontal pass, one accumulator row, one
     * output row): reused rather than allocated per frame. Every element up to {@code size} is written before it is read.
     */
    private static float[] scratch(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer.length < size) {
            buffer = new float[size];
            holder.set(buffer);
        }
        return buffer;
    }

    /** This thread's ring of widened source rows, at least {@code rows} rows of {@code floats}. */
    private static float[][] ring(int rows, int floats) {
        float[][] ring = RING.get();
        if (ring.length < rows || ring[0].length < floats) {
            ring = new float[Math.max(rows, ring.length)][Math.max(floats, ring.length == 0 ? 0 : ring[0].length)];
            RING.set(ring);
        }
        return ring;
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
