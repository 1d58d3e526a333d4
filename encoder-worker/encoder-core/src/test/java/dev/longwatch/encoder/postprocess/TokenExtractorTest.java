package dev.longwatch.encoder.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenExtractorTest {

    @Test
    void shouldTurnAChannelMajorFeatureMapIntoTokenRows() {
        // [N=2, C=2, H=1, W=2]; frame 1: channel 0 = (5, 6), channel 1 = (7, 8)
        float[] data = {1, 2, 3, 4, 5, 6, 7, 8};
        TokenExtractor extractor = new TokenExtractor(TokenLayout.NCHW, false, 1);
        long[] shape = {2, 2, 1, 2};
        assertThat(extractor.tokenShape(shape)).isEqualTo(new TokenExtractor.TokenShape(2, 2));
        assertThat(extractor.tokens(data, shape, 0)).containsExactly(1, 3, 2, 4);
        assertThat(extractor.tokens(data, shape, 1)).containsExactly(5, 7, 6, 8);
    }

    @Test
    void shouldTransposeEveryChannelWhenTheChannelsDoNotFillWholeBlocks() {
        // 37 channels: one full block of 32 and a partial one; frame 1 of 2, so the base offset counts.
        int dim = 37;
        int cells = 6;
        float[] data = new float[2 * dim * cells];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        float[] tokens = new TokenExtractor(TokenLayout.NCHW, false, 1).tokens(data, new long[] {2, dim, 2, 3}, 1);
        assertThat(tokens).hasSize(cells * dim);
        for (int t = 0; t < cells; t++) {
            for (int c = 0; c < dim; c++) {
                assertThat(tokens[t * dim + c]).as("token %d channel %d", t, c).isEqualTo(data[dim * cells + c * cells + t]);
            }
        }
    }

    @Test
    void shouldReadADirectBufferInPlaceExactlyAsAnArray() {
        // The encoder pins its output in a direct buffer and extracts from there.
        long[][] shapes = {{3, 37, 2, 3}, {2, 4, 4, 5}};
        TokenLayout[] layouts = {TokenLayout.NCHW, TokenLayout.NHWC};
        for (int l = 0; l < layouts.length; l++) {
            long[] shape = shapes[l];
            float[] data = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
            java.nio.FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(data.length * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder())
                    .asFloatBuffer();
            for (int i = 0; i < data.length; i++) {
                data[i] = i * 0.5f;
                direct.put(i, data[i]);
            }
            TokenExtractor extractor = new TokenExtractor(layouts[l], false, 2);
            for (int frame = 0; frame < shape[0]; frame++) {
                assertThat(extractor.tokens(direct, shape, frame)).containsExactly(extractor.tokens(data, shape, frame));
            }
            // Unpooled, against the layout's own indexing (the array form wraps the array in a
            // buffer, so the comparison above alone would not catch a wrong offset in both).
            TokenExtractor unpooled = new TokenExtractor(layouts[l], false, 1);
            int cells = (int) (layouts[l] == TokenLayout.NCHW ? shape[2] * shape[3] : shape[1] * shape[2]);
            int dim = (int) (layouts[l] == TokenLayout.NCHW ? shape[1] : shape[3]);
            for (int frame = 0; frame < shape[0]; frame++) {
                float[] tokens = unpooled.tokens(direct, shape, frame);
                int base = frame * cells * dim;
                for (int t = 0; t < cells; t++) {
                    for (int c = 0; c < dim; c++) {
                        float expected = layouts[l] == TokenLayout.NCHW ? data[base + c * cells + t] : data[base + t * dim + c];
                        assertThat(tokens[t * dim + c]).as("%s frame %d token %d channel %d", layouts[l], frame, t, c)
                                .isEqualTo(expected);
                    }
                }
            }
            assertThat(direct.position()).isZero();
        }
    }

    @Test
    void shouldKeepChannelLastFeatureMapsAsTheyAre() {
        float[] data = {1, 2, 3, 4, 5, 6};
        TokenExtractor extractor = new TokenExtractor(TokenLayout.NHWC, false, 1);
        assertThat(extractor.tokens(data, new long[] {1, 1, 3, 2}, 0)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void shouldDropTheClsTokenAndPoolTheRemainingSquareGrid() {
        // [1, 5, 2]: CLS (9, 9) then a 2x2 grid of tokens; k = 2 averages the grid into one token.
        float[] data = {9, 9, 1, 10, 2, 20, 3, 30, 4, 40};
        TokenExtractor extractor = new TokenExtractor(TokenLayout.SEQUENCE, true, 2);
        long[] shape = {1, 5, 2};
        assertThat(extractor.tokenShape(shape)).isEqualTo(new TokenExtractor.TokenShape(1, 2));
        assertThat(extractor.tokens(data, shape, 0)).containsExactly(2.5f, 25f);
        assertThat(new TokenExtractor(TokenLayout.SEQUENCE, true, 1).tokens(data, shape, 0))
                .containsExactly(1, 10, 2, 20, 3, 30, 4, 40);
    }

    @Test
    void shouldExplainWhyASequenceCannotBePooled() {
        TokenExtractor extractor = new TokenExtractor(TokenLayout.SEQUENCE, false, 2);
        assertThatThrownBy(() -> extractor.tokenShape(new long[] {1, 5, 8}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is there a CLS token to drop?");
    }

    @Test
    void shouldRejectShapesThatDoNotMatchTheLayoutOrTheData() {
        TokenExtractor extractor = new TokenExtractor(TokenLayout.NCHW, false, 1);
        assertThatThrownBy(() -> extractor.tokenShape(new long[] {1, 1000}))
                .hasMessageContaining("needs rank 4");
        assertThatThrownBy(() -> extractor.tokens(new float[3], new long[] {1, 2, 1, 2}, 0))
                .hasMessageContaining("has 3 values");
        assertThatThrownBy(() -> new TokenExtractor(TokenLayout.NCHW, true, 1))
                .hasMessageContaining("SEQUENCE outputs only");
    }
}
