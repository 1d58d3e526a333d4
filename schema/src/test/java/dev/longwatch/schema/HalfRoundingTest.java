package dev.longwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Rounding a row at once gives, value by value, the bits of {@link TokenCodec#toHalf}. */
class HalfRoundingTest {

    @Test
    void shouldRoundEveryFloatAsHalfToHalf() {
        // All 2^32 bit patterns, 1024 consecutive ones per row (about 25 s).
        int length = 1024;
        HalfRounding rounding = new HalfRounding(length);
        float[] row = new float[length];
        short[] out = new short[length];
        long mismatches = 0;
        String first = null;
        for (long start = 0; start < 1L << 32; start += length) {
            for (int i = 0; i < length; i++) {
                row[i] = Float.intBitsToFloat((int) (start + i));
            }
            rounding.round(row, out, 0);
            for (int i = 0; i < length; i++) {
                int bits = (int) (start + i);
                short expected = TokenCodec.toHalf(Float.intBitsToFloat(bits));
                if (out[i] != expected || !sameBits(row[i], TokenCodec.fromHalf(expected))) {
                    mismatches++;
                    if (first == null) {
                        first = String.format("bits %08x: half %04x, value %s", bits, out[i], row[i]);
                    }
                }
            }
        }
        assertThat(mismatches).as("first: %s", first).isZero();
    }

    @Test
    void shouldRoundRowsThatMixEveryKindOfValue() {
        // Normal, subnormal, zero, rounding ties, overflow, infinity and NaN side by side in one
        // row, at every position, with a tail that is not a multiple of any vector width.
        SplittableRandom random = new SplittableRandom(5);
        int length = 37;
        HalfRounding rounding = new HalfRounding(length);
        int[] edges = {
            0x00000000, 0x80000000, 0x33000000, 0x33000001, 0x387fffff, 0x38800000, 0x38801000,
            0x38803000, 0x477fe000, 0x477fefff, 0x477ff000, 0x7f800000, 0xff800000, 0x7fc00001,
            0x3f800fff, 0x3f801000, 0x3f803000, 0x00000001
        };
        for (int trial = 0; trial < 20_000; trial++) {
            float[] row = new float[length];
            for (int i = 0; i < length; i++) {
                int bits =
                        switch (random.nextInt(4)) {
                            case 0 -> edges[random.nextInt(edges.length)];
                            case 1 -> random.nextInt(); // any exponent
                            case 2 -> (random.nextInt() & 0x80ffffff) | 0x30000000; // subnormal halves
                            default -> Float.floatToRawIntBits((float) random.nextGaussian());
                        };
                row[i] = Float.intBitsToFloat(bits);
            }
            float[] values = row.clone();
            short[] out = new short[length + 3];
            // A row with no value outside the fast path half the time.
            if (trial % 2 == 0) {
                for (int i = 0; i < length; i++) {
                    if (!Float.isFinite(values[i]) || Math.abs(values[i]) > 65000f) {
                        values[i] = 1f;
                        row[i] = 1f;
                    }
                }
            }
            rounding.round(row, out, 3);
            for (int i = 0; i < length; i++) {
                short expected = TokenCodec.toHalf(values[i]);
                assertThat(out[3 + i]).as("trial %d value %s", trial, values[i]).isEqualTo(expected);
                assertThat(Float.floatToRawIntBits(row[i]))
                        .as("trial %d value %s", trial, values[i])
                        .isEqualTo(Float.floatToRawIntBits(TokenCodec.fromHalf(expected)));
            }
        }
    }

    @Test
    void shouldLeaveTheValuesAsTheyAreWhenOnlyTheHalvesAreWanted() {
        int length = 64;
        HalfRounding rounding = new HalfRounding(length);
        float[] values = new float[3 + length];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1f / (i + 3);
        }
        float[] before = values.clone();
        short[] out = new short[length];
        rounding.toHalves(values, 3, out, 0);
        assertThat(values).isEqualTo(before);
        for (int i = 0; i < length; i++) {
            assertThat(out[i]).isEqualTo(TokenCodec.toHalf(values[3 + i]));
        }
    }

    private static boolean sameBits(float a, float b) {
        return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }
}
