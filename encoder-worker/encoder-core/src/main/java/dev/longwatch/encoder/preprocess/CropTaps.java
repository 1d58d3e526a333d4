package dev.longwatch.encoder.preprocess;

/**
 * The resampling taps of one source frame size, restricted to the crop: the vertical taps as
 * {@link ResampleWeights} computes them, and the horizontal taps of the crop's columns rebased
 * onto the source column window {@code colLo .. colHi-1} with one fixed tap count, a multiple of
 * {@value #GROUP}.
 *
 * <p>A fixed count lets the horizontal pass (the hot, non-vectorisable loop of preprocessing) run
 * without a per-pixel trip count, and a multiple of three lets it read three taps per step as
 * straight-line code, which runs about twice as fast as a loop over one tap at a time (the common
 * 1.4× bilinear shrink has three taps: one step, no loop). Pixels with fewer taps get zero
 * weights, placed before or after their real taps; adding {@code 0 · v} leaves a float sum
 * unchanged, so the result is bit for bit the one of the variable-count loop.
 *
 * <p>The padded taps of a pixel read the accumulator row at columns {@code 0 .. span-1} relative
 * to {@code colLo}. That is the source window itself unless the image is narrower than the padded
 * tap count; then the columns from {@code colHi - colLo} on lie past the image, and their values
 * are never widened from it, only ever multiplied by a zero weight.
 *
 * @param plan resize and crop of this frame size
 * @param vertical taps over source rows, indexed by resized row
 * @param rowTaps the most vertical taps any row of the crop has
 * @param colLo first source column the crop reads
 * @param colHi one past the last source column the crop reads
 * @param span columns of an accumulator row the horizontal taps address, at least
 *     {@code colHi - colLo}
 * @param taps horizontal taps per output column (the most any column has, rounded up to a
 *     multiple of {@value #GROUP})
 * @param offsets per output column, its first tap's offset in a window row of interleaved
 *     3-channel values: {@code 3 · (start - colLo)}
 * @param weights {@code taps} weights per output column
 */
record CropTaps(
        ResizePlan plan,
        ResampleWeights vertical,
        int rowTaps,
        int colLo,
        int colHi,
        int span,
        int taps,
        int[] offsets,
        float[] weights) {

    /** Horizontal taps per step of the horizontal pass. */
    static final int GROUP = 3;

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
        taps = (taps + GROUP - 1) / GROUP * GROUP;
        // Widen the window to hold `taps` columns even where it meets the image border, as far as
        // the image is wide; past that (tiny images) the span covers the padded taps.
        int colHi = Math.min(width, Math.max(end, lo + taps));
        int colLo = Math.max(0, Math.min(lo, colHi - taps));
        int span = Math.max(colHi - colLo, taps);
        int[] offsets = new int[outW];
        float[] weights = new float[outW * taps];
        for (int x = 0; x < outW; x++) {
            int ox = plan.cropX() + x;
            int first = horizontal.first()[ox];
            int start = Math.min(first, colLo + span - taps);
            offsets[x] = (start - colLo) * 3;
            for (int k = 0; k < horizontal.taps()[ox]; k++) {
                weights[x * taps + (first - start) + k] = horizontal.weight(ox, k);
            }
        }
        int rowTaps = 1;
        for (int y = 0; y < plan.cropHeight(); y++) {
            rowTaps = Math.max(rowTaps, vertical.taps()[plan.cropY() + y]);
        }
        return new CropTaps(plan, vertical, rowTaps, colLo, colHi, span, taps, offsets, weights);
    }
}
