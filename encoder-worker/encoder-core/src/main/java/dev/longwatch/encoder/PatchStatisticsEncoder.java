package dev.longwatch.encoder;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The built-in, weight-free encoder: deterministic per-patch pixel statistics, no learned
 * parameters. The frame is cut into a {@code grid × grid} lattice of patches (one token each);
 * each patch is described by {@value #DIM} numbers:
 *
 * <ul>
 *   <li>48: the mean R, G and B of each cell of a 4 × 4 sub-grid of the patch (its coarse
 *       layout and colour), scaled to [-1, 1];
 *   <li>3: the standard deviation of R, G and B over the patch (texture), in [0, 1];
 *   <li>1: the mean absolute luminance gradient over the patch (edges), in [0, 1].
 * </ul>
 *
 * <p>Centring the means on zero matters: cosine similarity of all-positive vectors is always
 * close to 1, so uncentred statistics would make every frame look alike to the memory bank. It
 * separates scenes that differ in colour, layout or texture; it knows nothing of objects or
 * words. The ONNX encoder brings a real model.
 */
public final class PatchStatisticsEncoder implements VisionEncoder {
    static final int SUB = 4;
    static final int DIM = SUB * SUB * 3 + 3 + 1;

    private final int grid;

    /** @param grid patches per side; {@code grid * grid} tokens per frame */
    public PatchStatisticsEncoder(int grid) {
        if (grid < 1 || grid > 64) {
            throw new IllegalArgumentException("grid must be 1..64, was " + grid);
        }
        this.grid = grid;
    }

    @Override
    public String id() {
        return "builtin-patchstats-g" + grid;
    }

    @Override
    public int tokens() {
        return grid * grid;
    }

    @Override
    public int dim() {
        return DIM;
    }

    @Override
    public int preferredBatch() {
        return 16;
    }

    @Override
    public float[][] encode(List<BufferedImage> frames) {
        float[][] out = new float[frames.size()][];
        for (int i = 0; i < frames.size(); i++) {
            out[i] = encodeOne(frames.get(i));
        }
        return out;
    }

    private float[] encodeOne(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (width < grid * SUB || height < grid * SUB) {
            throw new IllegalArgumentException(
                    "frame " + width + "x" + height + " is smaller than the " + grid * SUB + " px grid");
        }
        int cells = grid * SUB;
        double[] cellSum = new double[cells * cells * 3];
        long[] cellCount = new long[cells * cells];
        double[] patchSquares = new double[grid * grid * 3];
        double[] patchGradient = new double[grid * grid];
        int[] row = new int[width];
        float[] previousLuma = new float[width];
        float[] luma = new float[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int cellY = (int) ((long) y * cells / height);
            int patchY = cellY / SUB;
            for (int x = 0; x < width; x++) {
                int rgb = row[x];
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                int cellX = (int) ((long) x * cells / width);
                int cell = cellY * cells + cellX;
                cellSum[cell * 3] += r;
                cellSum[cell * 3 + 1] += g;
                cellSum[cell * 3 + 2] += b;
                cellCount[cell]++;
                int patch = patchY * grid + cellX / SUB;
                patchSquares[patch * 3] += (double) r * r;
                patchSquares[patch * 3 + 1] += (double) g * g;
                patchSquares[patch * 3 + 2] += (double) b * b;
                luma[x] = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
                float dx = x > 0 ? Math.abs(luma[x] - luma[x - 1]) : 0f;
                float dy = y > 0 ? Math.abs(luma[x] - previousLuma[x]) : 0f;
                patchGradient[patch] += dx + dy;
            }
            float[] swap = previousLuma;
            previousLuma = luma;
            luma = swap;
        }
        return describePatches(cellSum, cellCount, patchSquares, patchGradient);
    }

    private float[] describePatches(
            double[] cellSum, long[] cellCount, double[] patchSquares, double[] patchGradient) {
        int cells = grid * SUB;
        float[] tokens = new float[grid * grid * DIM];
        for (int py = 0; py < grid; py++) {
            for (int px = 0; px < grid; px++) {
                int patch = py * grid + px;
                int base = patch * DIM;
                double[] channelSum = new double[3];
                long pixels = 0;
                for (int sy = 0; sy < SUB; sy++) {
                    for (int sx = 0; sx < SUB; sx++) {
                        int cell = (py * SUB + sy) * cells + px * SUB + sx;
                        long n = cellCount[cell];
                        pixels += n;
                        for (int c = 0; c < 3; c++) {
                            channelSum[c] += cellSum[cell * 3 + c];
                            tokens[base + (sy * SUB + sx) * 3 + c] =
                                    (float) (cellSum[cell * 3 + c] / n / 127.5 - 1.0);
                        }
                    }
                }
                for (int c = 0; c < 3; c++) {
                    double mean = channelSum[c] / pixels;
                    double variance = Math.max(0, patchSquares[patch * 3 + c] / pixels - mean * mean);
                    tokens[base + SUB * SUB * 3 + c] = (float) (Math.sqrt(variance) / 127.5);
                }
                tokens[base + DIM - 1] = (float) Math.min(1.0, patchGradient[patch] / pixels);
            }
        }
        return tokens;
    }
}
