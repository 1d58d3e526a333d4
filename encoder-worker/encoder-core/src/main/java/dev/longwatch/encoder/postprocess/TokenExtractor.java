package dev.longwatch.encoder.postprocess;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Cuts one frame's patch tokens out of a batched output tensor: reorders a feature map to
 * row-major {@code tokens × dim}, drops a leading CLS token, and optionally pools the token grid
 * {@code k × k} ({@link SpatialPooling}). Pure, no native code.
 *
 * @param layout how the output tensor holds tokens
 * @param dropCls drop the first token of a {@link TokenLayout#SEQUENCE} (CLIP's CLS); an error
 *     for feature maps, which have none
 * @param poolKernel {@code k} of the {@code k × k} average pooling; 1 = none. Sequences must
 *     then form a square grid.
 */
public record TokenExtractor(TokenLayout layout, boolean dropCls, int poolKernel) {
    /** Channels per block of the NCHW transpose: 32 floats = two cache lines of each token row. */
    private static final int BLOCK = 32;

    public TokenExtractor {
        if (poolKernel < 1) {
            throw new IllegalArgumentException("pooling kernel must be at least 1, was " + poolKernel);
        }
        if (dropCls && layout != TokenLayout.SEQUENCE) {
            throw new IllegalArgumentException("dropCls applies to SEQUENCE outputs only, not " + layout);
        }
    }

    /** Shape of one frame's tokens: {@code tokens × dim}, after CLS removal and pooling. */
    public record TokenShape(int tokens, int dim) {}

    /** The token shape a batched output of {@code shape} yields; validates the rank and layout. */
    public TokenShape tokenShape(long[] shape) {
        Grid grid = grid(shape);
        int tokens = SpatialPooling.pooledSize(grid.height, poolKernel) * SpatialPooling.pooledSize(grid.width, poolKernel);
        return new TokenShape(tokens, grid.dim);
    }

    /** Tokens of frame {@code index} of the batched row-major output {@code data} of {@code shape}. */
    public float[] tokens(float[] data, long[] shape, int index) {
        return tokens(FloatBuffer.wrap(data), shape, index);
    }

    /**
     * As {@link #tokens(float[], long[], int)}, from the values {@code 0 .. limit-1} of
     * {@code data} by absolute index (its position is neither used nor changed), so that an
     * output ONNX Runtime wrote into a direct buffer is read in place, without a copy first.
     */
    public float[] tokens(FloatBuffer data, long[] shape, int index) {
        Grid grid = grid(shape);
        long batch = shape[0];
        if (index < 0 || index >= batch) {
            throw new IndexOutOfBoundsException("frame " + index + " of a batch of " + batch);
        }
        int perFrame = grid.rawTokens * grid.dim;
        if ((long) perFrame * batch != data.limit()) {
            throw new IllegalArgumentException(
                    "output of shape " + Arrays.toString(shape) + " has " + data.limit() + " values");
        }
        int base = index * perFrame;
        int cells = grid.height * grid.width;
        float[] tokens = new float[cells * grid.dim];
        switch (layout) {
            case NCHW -> transpose(data, base, grid.dim, cells, tokens);
            case NHWC -> data.get(base, tokens, 0, tokens.length);
            case SEQUENCE -> {
                int skip = dropCls ? grid.dim : 0;
                data.get(base + skip, tokens, 0, tokens.length);
            }
        }
        return SpatialPooling.average(tokens, grid.height, grid.width, grid.dim, poolKernel);
    }

    /**
     * Channel-major to token-major, {@code tokens[t][c] = data[base + c * cells + t]}, in blocks of
     * {@link #BLOCK} channels: each token's block is one contiguous run of writes, and the block's
     * channel rows ({@code BLOCK × cells} floats) stay in L1 while they are read {@code cells}
     * times. The plain double loop writes with a stride of {@code dim} floats and was the largest
     * cost of extraction.
     */
    private static void transpose(FloatBuffer data, int base, int dim, int cells, float[] tokens) {
        for (int c0 = 0; c0 < dim; c0 += BLOCK) {
            int c1 = Math.min(dim, c0 + BLOCK);
            for (int t = 0; t < cells; t++) {
                int to = t * dim;
                for (int c = c0; c < c1; c++) {
                    tokens[to + c] = data.get(base + c * cells + t);
                }
            }
        }
    }

    private record Grid(int rawTokens, int height, int width, int dim) {}

    private Grid grid(long[] shape) {
        int rank = layout == TokenLayout.SEQUENCE ? 3 : 4;
        if (shape.length != rank) {
            throw new IllegalArgumentException(
                    layout + " output needs rank " + rank + ", got shape " + Arrays.toString(shape));
        }
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("output shape must be concrete, got " + Arrays.toString(shape));
            }
        }
        return switch (layout) {
            case NCHW -> new Grid((int) (shape[2] * shape[3]), (int) shape[2], (int) shape[3], (int) shape[1]);
            case NHWC -> new Grid((int) (shape[1] * shape[2]), (int) shape[1], (int) shape[2], (int) shape[3]);
            case SEQUENCE -> sequenceGrid(shape);
        };
    }

    private Grid sequenceGrid(long[] shape) {
        int raw = (int) shape[1];
        int tokens = dropCls ? raw - 1 : raw;
        if (tokens < 1) {
            throw new IllegalArgumentException("no tokens left after dropping CLS from " + Arrays.toString(shape));
        }
        if (poolKernel == 1) {
            return new Grid(raw, 1, tokens, (int) shape[2]); // a 1 × T row; never pooled
        }
        int side = (int) Math.round(Math.sqrt(tokens));
        if (side * side != tokens) {
            throw new IllegalArgumentException(
                    "pooling needs a square token grid, but " + tokens + " tokens"
                            + (dropCls ? " (after dropping CLS)" : "")
                            + " are not; is there a CLS token to drop?");
        }
        return new Grid(raw, side, side, (int) shape[2]);
    }
}
