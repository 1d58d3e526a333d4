package dev.longwatch.encoder.preprocess;

/**
 * The resampling taps of one source frame size, restricted to the crop: the vertical taps as
 * {@link ResampleWeights} computes them, and the horizontal taps of the crop's columns rebased
 * onto the source column window {@code colLo .. colHi-1} with one fixed tap count.
 *
 * <p>A fixed count lets the horizontal pass (the hot, non-vectorisable loop of preprocessing) run
 * without a per-pixel trip count. Pixels with fewer taps get zero weights, placed before or after
 * their real taps so that every read stays inside the window; adding {@code 0 · v} leaves a float
 * sum unchanged, so the result is bit for bit the one of the variable-count loop.
 *
 * @param plan resize and crop of this frame size
 * @param vertical taps over source rows, indexed by resized row
 * @param rowTaps the most vertical taps any row of the crop has
 * @param colLo first source column the crop reads
 * @param colHi one past the last source column the crop reads
 * @param taps horizontal taps per output column (the most any column has)
 * @param offsets per output column, its first tap's offset in a window row of interleaved
 *     3-channel values: {@code 3 · (start - colLo)}
 * @param weights {@code taps} weights per output column
 */
record CropTaps(ResizePlan plan, ResampleWeights vertical, int rowTaps, int colLo, int colHi, int taps, int[] offsets, float[] weights) {

    static CropTaps of(PreprocessSpec spec, int width, int height) {
        ResizePlan plan = ResizePlan.of(spec, width, height);
        ResampleWeights horizontal = ResampleWeights.of(width, plan.resizedWidth(), spec.filter());
        ResampleWeights vertical = ResampleWeights.of(height, plan.resizedHeight(), spec.filter());
        int outW = plan.cropWidth();
        int taps = 0;
        int lo = Integer.MAX_VALUE;
        int end = 0;
        for (int x = 0; x < outW; x++) {
            int ox = plan.cropX() + x;
            taps = Math.max(taps, horizontal.taps()[ox]);
            lo = Math.min(lo, horizontal.first()[ox]);
            end = Math.max(end, horizontal.first()[ox] + horizontal.taps()[ox]);
        }
        // Widen the window to hold `taps` columns even where it meets the image border; taps never
        // exceed the image width, so this stays inside the image.
        int colHi = Math.min(width, Math.max(end, lo + taps));
        int colLo = Math.min(lo, colHi - taps);
        int[] offsets = new int[outW];
        float[] weights = new float[outW * taps];
        for (int x = 0; x < outW; x++) {
            int ox = plan.cropX() + x;
            int first = horizontal.first()[ox];
            int start = Math.min(first, colHi - taps);
            offsets[x] = (start - colLo) * 3;
            for (int k = 0; k < horizontal.taps()[ox]; k++) {
                weights[x * taps + (first - start) + k] = horizontal.weight(ox, k);
            }
        }
        int rowTaps = 1;
        for (int y = 0; y < plan.cropHeight(); y++) {
            rowTaps = Math.max(rowTaps, vertical.taps()[plan.cropY() + y]);
        }
        return new CropTaps(plan, vertical, rowTaps, colLo, colHi, taps, offsets, weights);
    }
}
