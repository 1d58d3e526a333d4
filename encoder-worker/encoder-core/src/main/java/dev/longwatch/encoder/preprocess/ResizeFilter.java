package dev.longwatch.encoder.preprocess;

/**
 * Resampling kernels, as Pillow defines them (torchvision's PIL path, which CLIP, SigLIP and the
 * ImageNet recipes were trained with). When shrinking, the kernel is stretched by the scale
 * factor, so every source pixel contributes (antialiasing).
 */
public enum ResizeFilter {
    /** Triangle kernel, support 1. */
    BILINEAR(1.0, false) {
        @Override
        double weight(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    },
    /** Keys cubic kernel with a = -0.5 (Pillow's BICUBIC), support 2. */
    BICUBIC(2.0, true) {
        @Override
        double weight(double x) {
            double a = -0.5;
            double t = Math.abs(x);
            if (t < 1.0) {
                return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
            }
            if (t < 2.0) {
                return (((t - 5.0) * t + 8.0) * t - 4.0) * a;
            }
            return 0.0;
        }
    };

    private final double support;
    private final boolean overshoots;

    ResizeFilter(double support, boolean overshoots) {
        this.support = support;
        this.overshoots = overshoots;
    }

    /**
     * Whether the kernel has negative lobes, so a resampled value can leave [0, 255] (ringing at
     * hard edges): Pillow clamps those to 8 bits after each pass.
     */
    public boolean overshoots() {
        return overshoots;
    }

    /** Half-width of the kernel at scale 1, in source pixels. */
    public double support() {
        return support;
    }

    abstract double weight(double x);
}
