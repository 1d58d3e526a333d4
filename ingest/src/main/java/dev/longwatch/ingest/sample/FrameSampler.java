package dev.longwatch.ingest.sample;

/**
 * Picks frames at a target rate by presentation time: for each boundary {@code k / fps} seconds,
 * the first frame at or after it. Works for variable frame rate and dropped frames because it
 * looks only at timestamps; a gap spanning several boundaries yields one frame, not a burst.
 * Frames whose time goes backwards are skipped. Pure and not thread-safe: one per stream.
 */
public final class FrameSampler {
    private final double sampleFps;
    /** Index k of the next boundary to fill; its time is {@code boundaryMs(k)}. */
    private long nextBoundary;

    /**
     * @param sampleFps frames per second of media time to keep, &gt; 0
     */
    public FrameSampler(double sampleFps) {
        if (!(sampleFps > 0) || Double.isInfinite(sampleFps)) {
            throw new IllegalArgumentException(
                    "sampleFps must be a positive number, got " + sampleFps);
        }
        this.sampleFps = sampleFps;
    }

    /**
     * Offers the next decoded frame.
     *
     * @param ptsMs its presentation time in ms from the first frame
     * @return true when this frame is the one to keep for the current boundary
     */
    public boolean accept(long ptsMs) {
        if (ptsMs < boundaryMs(nextBoundary)) {
            return false;
        }
        // Skip every boundary this frame already covers; the loop fixes floating-point rounding
        // of the estimate so accept() and this step agree on boundaryMs exactly.
        long k = Math.max(nextBoundary + 1, (long) Math.floor(ptsMs * sampleFps / 1000.0));
        while (boundaryMs(k) <= ptsMs) {
            k++;
        }
        nextBoundary = k;
        return true;
    }

    public double sampleFps() {
        return sampleFps;
    }

    private double boundaryMs(long k) {
        return k * 1000.0 / sampleFps;
    }
}
