package dev.longwatch.encoder.preprocess;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Frames to the model's input tensor following a {@link PreprocessSpec}: a separable resize with
 * Pillow's taps ({@link ResampleWeights}), the centre crop, {@code (v / 255 - mean) / std},
 * planar RGB.
 *
 * <p>Resize and crop are fused: only the source pixels under the crop window are read and only
 * the output pixels inside it are computed. Values are clamped to [0, 255] after resampling, as Pillow does, because bicubic
 * overshoots at edges. Pure Java, no native code; safe to share between threads.
 */
public final class ImagePreprocessor {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> ACCUMULATOR = ThreadLocal.withInitial(() -> new float[0]);

    private final PreprocessSpec spec;
    private final float[] scale = new float[3];
    private final float[] bias = new float[3];
    // Frames of one stream share a size, so the taps are computed once per size and axis.
    private final Map<Long, ResampleWeights> weightsCache = new ConcurrentHashMap<>();

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
        if (yFrom < 0 || yTo > spec.cropHeight() || yFrom >= yTo) {
            throw new IllegalArgumentException("rows " + yFrom + ".." + yTo + " outside 0.." + spec.cropHeight());
        }
        int width = image.getWidth();
        ResizePlan plan = ResizePlan.of(spec, width, image.getHeight());
        ResampleWeights horizontal = weights(width, plan.resizedWidth());
        ResampleWeights vertical = weights(image.getHeight(), plan.resizedHeight());
        // The source window this band of the crop reads: rows rowLo..rowHi-1, columns colLo..colHi-1.
        int rowLo = vertical.first()[plan.cropY() + yFrom];
        int lastRow = plan.cropY() + yTo - 1;
        int rowHi = vertical.first()[lastRow] + vertical.taps()[lastRow];
        int colLo = horizontal.first()[plan.cropX()];
        int lastCol = plan.cropX() + plan.cropWidth() - 1;
        int colHi = horizontal.first()[lastCol] + horizontal.taps()[lastCol];
        float[] window = sourceWindow(image, rowLo, rowHi, colLo, colHi);
        resample(window, rowLo, colLo, colHi - colLo, horizontal, vertical, plan, dst, offset, yFrom, yTo);
    }

    /**
     * The window's pixels as floats, interleaved in B, G, R order (the byte order of the 3-byte
     * BGR images JPEG decoding produces, so that path is a straight, vectorisable widening copy).
     */
    private static float[] sourceWindow(BufferedImage image, int rowLo, int rowHi, int colLo, int colHi) {
        int spanFloats = (colHi - colLo) * 3;
        float[] window = scratch(SCRATCH, (rowHi - rowLo) * spanFloats);
        byte[] bgr = BgrRaster.bytes(image);
        int width = image.getWidth();
        if (bgr != null) {
            for (int sy = rowLo; sy < rowHi; sy++) {
                int from = (sy * width + colLo) * 3;
                int to = (sy - rowLo) * spanFloats;
                for (int i = 0; i < spanFloats; i++) {
                    window[to + i] = bgr[from + i] & 0xff;
                }
            }
        } else {
            int[] row = new int[colHi - colLo];
            for (int sy = rowLo; sy < rowHi; sy++) {
                image.getRGB(colLo, sy, colHi - colLo, 1, row, 0, colHi - colLo);
                int to = (sy - rowLo) * spanFloats;
                for (int x = 0; x < row.length; x++) {
                    window[to + x * 3] = row[x] & 0xff;
                    window[to + x * 3 + 1] = (row[x] >> 8) & 0xff;
                    window[to + x * 3 + 2] = (row[x] >> 16) & 0xff;
                }
            }
        }
        return window;
    }

    /**
     * Vertical pass first, a whole window row at a time (a plain multiply-add over contiguous
     * arrays, which the JIT vectorises), then the horizontal taps of that one row; the same sum
     * as Pillow's horizontal-then-vertical order, without a second full-size buffer.
     */
    private void resample(float[] window, int rowLo, int colLo, int span, ResampleWeights horizontal,
            ResampleWeights vertical, ResizePlan plan, float[] dst, int offset, int yFrom, int yTo) {
        int spanFloats = span * 3;
        int outW = plan.cropWidth();
        int plane = outW * plan.cropHeight();
        float[] acc = scratch(ACCUMULATOR, spanFloats);
        int[] firsts = horizontal.first();
        int[] tapCounts = horizontal.taps();
        float[] weights = horizontal.weights();
        int stride = horizontal.stride();
        for (int y = yFrom; y < yTo; y++) {
            int oy = plan.cropY() + y;
            int first = vertical.first()[oy] - rowLo;
            int taps = vertical.taps()[oy];
            java.util.Arrays.fill(acc, 0, spanFloats, 0f);
            for (int k = 0; k < taps; k++) {
                float w = vertical.weight(oy, k);
                int base = (first + k) * spanFloats;
                for (int i = 0; i < spanFloats; i++) {
                    acc[i] += w * window[base + i];
                }
            }
            int o = offset + y * outW;
            for (int x = 0; x < outW; x++) {
                int ox = plan.cropX() + x;
                int p = (firsts[ox] - colLo) * 3;
                int w0 = ox * stride;
                float b = 0, g = 0, r = 0;
                for (int k = 0, n = tapCounts[ox]; k < n; k++, p += 3) {
                    float w = weights[w0 + k];
                    b += w * acc[p];
                    g += w * acc[p + 1];
                    r += w * acc[p + 2];
                }
                dst[o + x] = clamp(r) * scale[0] + bias[0];
                dst[o + x + plane] = clamp(g) * scale[1] + bias[1];
                dst[o + x + 2 * plane] = clamp(b) * scale[2] + bias[2];
            }
        }
    }

    /**
     * Per-thread buffers (the window is about 1 MB for a 640×360 frame): reused rather than
     * allocated per frame. Every element up to {@code size} is written before it is read.
     */
    private static float[] scratch(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer.length < size) {
            buffer = new float[size];
            holder.set(buffer);
        }
        return buffer;
    }

    private ResampleWeights weights(int in, int out) {
        if (weightsCache.size() > 64) {
            weightsCache.clear(); // many frame sizes: recompute rather than grow without bound
        }
        return weightsCache.computeIfAbsent(
                ((long) in << 32) | out, key -> ResampleWeights.of(in, out, spec.filter()));
    }

    private static float clamp(float v) {
        return v < 0f ? 0f : Math.min(v, 255f);
    }
}
