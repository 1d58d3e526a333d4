package dev.longwatch.schema;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Rounds a row of floats to binary16 at once, bit-exact with {@link TokenCodec#toHalf}: the
 * halves go to the memory bank's store and the row is left holding the values they stand for
 * ({@link #round}), or the halves go to an embedding's bytes and the values stay as they are
 * ({@link #toHalves}). One value at a time, rounding was the costliest part of a bank's store or
 * merge (about 1.5 µs a row of 1024 measured here); this way about 1.2 µs, and a 256 x 1024
 * frame is stored in 700 µs instead of 860. {@link TokenCodec#encode} packs a 49 x 1280 frame
 * this way too.
 *
 * <p>Java 17 vectorizes neither {@code Float.floatToRawIntBits} nor conversions between lane
 * widths, but it does vectorize plain float and plain int loops. So the row's bits are moved
 * between a float and an int view of one buffer (bulk copies, about a third of the time), the
 * rounding is integer arithmetic on those bits, and only the final store into {@code short}s runs
 * one value at a time. Halves of normal magnitude round by adding the round-to-nearest-even
 * increment to the bits; subnormal ones (|x| below 2<sup>-14</sup>) by the float addition {@code
 * |x| + 0.5f}, which leaves the rounded half in the low bits; both are computed for every value and
 * one is selected by a mask, so no branch depends on the data (a branch per value that sent the
 * rare subnormal to the scalar conversion instead measured slower). A row with a value that rounds
 * to infinity or is not finite goes value by value through {@link TokenCodec#toHalf}.
 *
 * <p>Holds scratch for rows of one length; not thread-safe.
 */
public final class HalfRounding {
    /** Float bits of 0.5f: {@code |x| + 0.5f} carries the rounded subnormal half in its low bits. */
    private static final int HALF_BITS = 0x3f000000;
    /** Below this magnitude (2^-14) the half is subnormal. */
    private static final int MIN_NORMAL = 0x38800000;
    /** Above this magnitude the half rounds to infinity (or the value is not finite). */
    private static final int MAX_FINITE = 0x477fefff;

    private final int length;
    private final float[] plus;
    private final float[] minus;
    private final int[] valueBits;
    private final int[] plusBits;
    private final int[] minusBits;
    private final int[] halves;
    private final float[] copy;
    private final FloatBuffer asFloats;
    private final IntBuffer asInts;

    /** Scratch for rows of {@code length} values. */
    public HalfRounding(int length) {
        this.length = length;
        copy = new float[length];
        plus = new float[length];
        minus = new float[length];
        valueBits = new int[length];
        plusBits = new int[length];
        minusBits = new int[length];
        halves = new int[length];
        ByteBuffer buffer = ByteBuffer.allocate(4 * length).order(ByteOrder.nativeOrder());
        asFloats = buffer.asFloatBuffer();
        asInts = buffer.asIntBuffer();
    }

    /**
     * Writes {@code row} rounded to binary16 into {@code out[at, at + length)} and replaces each
     * value of {@code row} by the float its half stands for.
     */
    public void round(float[] row, short[] out, int at) {
        for (int i = 0; i < length; i++) {
            float sum = Math.abs(row[i]) + 0.5f;
            plus[i] = sum;
            minus[i] = sum - 0.5f; // the subnormal half as a float: exact, a multiple of 2^-24
        }
        reinterpret(row, valueBits);
        reinterpret(plus, plusBits);
        reinterpret(minus, minusBits);
        int notFinite = 0;
        for (int i = 0; i < length; i++) {
            int bits = valueBits[i];
            int magnitude = bits & 0x7fffffff;
            notFinite |= MAX_FINITE - magnitude;
            int subnormal = (magnitude - MIN_NORMAL) >> 31; // all ones below 2^-14
            int normal = (magnitude + 0xfff + ((magnitude >>> 13) & 1)) & 0xffffe000;
            int normalHalf = (normal - 0x38000000) >>> 13;
            int subnormalHalf = plusBits[i] - HALF_BITS;
            int sign = bits & 0x80000000;
            halves[i] = (sign >>> 16) | (normalHalf & ~subnormal) | (subnormalHalf & subnormal);
            valueBits[i] = sign | (normal & ~subnormal) | (minusBits[i] & subnormal);
        }
        if (notFinite < 0) {
            roundEach(row, out, at);
            return;
        }
        asInts.put(0, valueBits, 0, length);
        asFloats.get(0, row, 0, length);
        for (int i = 0; i < length; i++) {
            out[at + i] = (short) halves[i];
        }
    }

    /**
     * Writes {@code values[from, from + length)} rounded to binary16 into {@code out[at, at +
     * length)}, leaving {@code values} as they are.
     */
    public void toHalves(float[] values, int from, short[] out, int at) {
        System.arraycopy(values, from, copy, 0, length);
        round(copy, out, at);
    }

    /** The rare row with infinities, NaNs or values past the largest half: one at a time. */
    private void roundEach(float[] row, short[] out, int at) {
        for (int i = 0; i < length; i++) {
            short half = TokenCodec.toHalf(row[i]);
            out[at + i] = half;
            row[i] = TokenCodec.fromHalf(half);
        }
    }

    private void reinterpret(float[] from, int[] to) {
        asFloats.put(0, from, 0, length);
        asInts.get(0, to, 0, length);
    }
}
