package dev.longwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.longwatch.schema.proto.DType;
import dev.longwatch.schema.proto.FrameEmbedding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenCodecTest {

    @Test
    void shouldConvertKnownHalfValuesExactly() {
        assertThat(TokenCodec.toHalf(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(TokenCodec.toHalf(-2.0f)).isEqualTo((short) 0xc000);
        assertThat(TokenCodec.toHalf(65504f)).isEqualTo((short) 0x7bff);
        assertThat(TokenCodec.toHalf(1e6f)).isEqualTo((short) 0x7c00);
        assertThat(TokenCodec.toHalf(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(TokenCodec.fromHalf((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(Float.isNaN(TokenCodec.fromHalf(TokenCodec.toHalf(Float.NaN)))).isTrue();
    }

    @Test
    void shouldRoundTripEveryHalfBitPattern() {
        for (int bits = 0; bits <= 0xffff; bits++) {
            float value = TokenCodec.fromHalf((short) bits);
            if (!Float.isNaN(value)) {
                assertThat(TokenCodec.toHalf(value) & 0xffff).isEqualTo(bits);
            }
        }
    }

    @Test
    void shouldKeepHalfRelativeErrorWithinPrecision() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            float value = (float) (random.nextGaussian() * 10);
            float back = TokenCodec.fromHalf(TokenCodec.toHalf(value));
            assertThat(Math.abs(back - value)).isLessThanOrEqualTo(Math.abs(value) * 0x1p-11f + 0x1p-25f);
        }
    }

    @Test
    void shouldPackAFrameAsLittleEndianHalvesOfToHalfWithoutTouchingIt() {
        // 49 x 1280 (rows of 1024 and a partial one), with the values the fast path leaves to
        // toHalf (overflow, infinity, NaN, subnormals) scattered through it
        Random random = new Random(11);
        float[] values = new float[49 * 1280 + 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 4);
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, -70000f, 0x1p-20f, -0x1p-24f, 65519.99f, -0f};
        for (int i = 0; i < special.length; i++) {
            values[random.nextInt(values.length)] = special[i];
        }
        values[values.length - 1] = 0x1p-15f; // a subnormal in the partial row
        float[] before = values.clone();
        byte[] bytes = TokenCodec.encode(values, DType.F16).toByteArray();
        assertThat(values).isEqualTo(before);
        assertThat(bytes).hasSize(2 * values.length);
        for (int i = 0; i < values.length; i++) {
            short half = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] << 8));
            assertThat(half).as("value %d: %s", i, values[i]).isEqualTo(TokenCodec.toHalf(values[i]));
        }
    }

    @Test
    void shouldRejectAnUnknownDtype() {
        assertThatThrownBy(() -> TokenCodec.encode(new float[] {1f}, DType.DTYPE_UNSPECIFIED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripEmbeddingInBothDtypes() {
        float[] values = {0.5f, -1.25f, 3f, 0f, 7.75f, -0.125f};
        for (DType dtype : new DType[] {DType.F16, DType.F32}) {
            FrameEmbedding embedding =
                    FrameEmbedding.newBuilder()
                            .setTokens(2)
                            .setDim(3)
                            .setDtype(dtype)
                            .setData(TokenCodec.encode(values, dtype))
                            .build();
            assertThat(TokenCodec.decode(embedding)).containsExactly(values);
        }
    }

    @Test
    void shouldRejectDataThatDoesNotMatchTheShape() {
        FrameEmbedding embedding =
                FrameEmbedding.newBuilder()
                        .setTokens(2)
                        .setDim(3)
                        .setDtype(DType.F32)
                        .setData(ByteString.copyFrom(new byte[5]))
                        .build();
        assertThatThrownBy(() -> TokenCodec.decode(embedding))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 24 bytes, has 5");
    }
}
