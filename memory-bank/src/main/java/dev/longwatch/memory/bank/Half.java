package dev.longwatch.memory.bank;

import dev.longwatch.schema.TokenCodec;

/**
 * Bulk binary16 conversion for slot tensors, bit-exact with {@link TokenCodec#toHalf} and {@link
 * TokenCodec#fromHalf}. Widening is a lookup in a 256 KiB table of all 65536 halves, which stays
 * in cache and is several times faster than decoding the bits one by one.
 */
final class Half {
    /** Every half as a float, indexed by its bits ({@code half & 0xffff}). */
    static final float[] WIDE = new float[1 << 16];

    static {
        for (int bits = 0; bits < WIDE.length; bits++) {
            WIDE[bits] = TokenCodec.fromHalf((short) bits);
        }
    }

    private Half() {}

    static float[] widen(short[] halves) {
        float[] values = new float[halves.length];
        widen(halves, 0, values);
        return values;
    }

    /** {@code halves[from, from + into.length)} as floats, into {@code into}. */
    static void widen(short[] halves, int from, float[] into) {
        float[] wide = WIDE;
        for (int i = 0; i < into.length; i++) {
            into[i] = wide[halves[from + i] & 0xffff];
        }
    }

    /**
     * {@link TokenCodec#toHalf}, with a branch-light path for values whose half is normal: rebias
     * the exponent, add the round-to-nearest-even increment, shift. A carry out of the mantissa
     * moves into the exponent, which is the correct rounding (up to infinity at the top).
     */
    static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int magnitude = bits & 0x7fffffff;
        // Float exponents 113..142 are half exponents 1..30: normal halves.
        if (magnitude >= 0x38800000 && magnitude < 0x47800000) {
            int sign = (bits >>> 16) & 0x8000;
            int rounded = magnitude - 0x38000000 + 0xfff + ((magnitude >>> 13) & 1);
            return (short) (sign | (rounded >>> 13));
        }
        return TokenCodec.toHalf(value);
    }

    /** Rounds {@code values} into {@code halves} and writes the rounded values back as floats. */
    static void narrow(float[] values, short[] halves, float[] rounded) {
        for (int i = 0; i < values.length; i++) {
            short half = toHalf(values[i]);
            halves[i] = half;
            rounded[i] = WIDE[half & 0xffff];
        }
    }
}
