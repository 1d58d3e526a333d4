package dev.longwatch.encoder.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpatialPoolingTest {

    @Test
    void shouldAverageDisjointBlocksWhenTheKernelDividesTheGrid() {
        float[] grid = new float[16];
        for (int i = 0; i < 16; i++) {
            grid[i] = i; // 4x4, one value per token
        }
        assertThat(SpatialPooling.average(grid, 4, 4, 1, 2)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
    }

    @Test
    void shouldOverlapWindowsLikeAdaptiveAveragePoolingOtherwise() {
        // 3x3 -> 2x2: rows {0,1} and {1,2}, columns likewise (torch adaptive_avg_pool2d).
        float[] grid = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(SpatialPooling.average(grid, 3, 3, 1, 2)).containsExactly(2f, 3f, 5f, 6f);
        assertThat(SpatialPooling.pooledSize(7, 2)).isEqualTo(4);
    }

    @Test
    void shouldPoolEveryChannelOfAToken() {
        float[] grid = {1, 100, 3, 300}; // 1x2 grid of 2-wide tokens
        assertThat(SpatialPooling.average(grid, 1, 2, 2, 2)).containsExactly(2f, 200f);
    }
}
