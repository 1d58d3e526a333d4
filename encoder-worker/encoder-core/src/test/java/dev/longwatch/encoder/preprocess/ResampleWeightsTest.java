package dev.longwatch.encoder.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Taps worked out by hand from Pillow's precompute_coeffs (centre (i + 0.5)·scale, kernel stretched by the scale). */
class ResampleWeightsTest {

    @Test
    void shouldCopyPixelsWhenTheSizeDoesNotChange() {
        for (ResizeFilter filter : ResizeFilter.values()) {
            ResampleWeights w = ResampleWeights.of(5, 5, filter);
            for (int i = 0; i < 5; i++) {
                float sum = 0;
                for (int k = 0; k < w.taps()[i]; k++) {
                    int source = w.first()[i] + k;
                    sum += w.weight(i, k);
                    assertThat(w.weight(i, k)).as("%s out %d source %d", filter, i, source)
                            .isCloseTo(source == i ? 1f : 0f, within(1e-6f));
                }
                assertThat(sum).isCloseTo(1f, within(1e-6f));
            }
        }
    }

    @Test
    void shouldAntialiasWhenHalvingWithTheStretchedTriangle() {
        // 4 -> 2: scale 2, support 2. Output 0 (centre 1.0) reads pixels 0, 1, 2 at distances
        // 0.5, 0.5, 1.5 -> triangle(d / 2) = 0.75, 0.75, 0.25 -> normalised 3/7, 3/7, 1/7.
        ResampleWeights w = ResampleWeights.of(4, 2, ResizeFilter.BILINEAR);
        assertThat(w.first()).containsExactly(0, 1);
        assertThat(w.taps()).containsExactly(3, 3);
        assertThat(new float[] {w.weight(0, 0), w.weight(0, 1), w.weight(0, 2)})
                .containsExactly(new float[] {3 / 7f, 3 / 7f, 1 / 7f}, within(1e-6f));
        assertThat(new float[] {w.weight(1, 0), w.weight(1, 1), w.weight(1, 2)})
                .containsExactly(new float[] {1 / 7f, 3 / 7f, 3 / 7f}, within(1e-6f));
    }

    @Test
    void shouldInterpolateWithHalfPixelCentresWhenDoubling() {
        // 2 -> 4: centres 0.25, 0.75, 1.25, 1.75; edges clamp to the first and last pixel.
        ResampleWeights w = ResampleWeights.of(2, 4, ResizeFilter.BILINEAR);
        assertThat(w.first()).containsExactly(0, 0, 0, 1);
        assertThat(w.taps()).containsExactly(1, 2, 2, 1);
        assertThat(w.weight(0, 0)).isEqualTo(1f);
        assertThat(new float[] {w.weight(1, 0), w.weight(1, 1)}).containsExactly(new float[] {0.75f, 0.25f}, within(1e-6f));
        assertThat(new float[] {w.weight(2, 0), w.weight(2, 1)}).containsExactly(new float[] {0.25f, 0.75f}, within(1e-6f));
        assertThat(w.weight(3, 0)).isEqualTo(1f);
    }

    @Test
    void shouldUseTheKeysCubicWithNegativeLobes() {
        // 2 -> 4 bicubic, output 1 (centre 0.75): pixels 0 and 1 at distances -0.25 and 0.75;
        // cubic(0.25) = 0.8671875, cubic(0.75) = 0.2265625 (a = -0.5), normalised by their sum.
        ResampleWeights w = ResampleWeights.of(2, 4, ResizeFilter.BICUBIC);
        double sum = 0.8671875 + 0.2265625;
        assertThat(w.first()[1]).isZero();
        assertThat(w.taps()[1]).isEqualTo(2);
        assertThat(w.weight(1, 0)).isCloseTo((float) (0.8671875 / sum), within(1e-6f));
        assertThat(w.weight(1, 1)).isCloseTo((float) (0.2265625 / sum), within(1e-6f));
        assertThat(ResizeFilter.BICUBIC.weight(1.5)).isCloseTo(-0.0625, within(1e-12));
    }
}
