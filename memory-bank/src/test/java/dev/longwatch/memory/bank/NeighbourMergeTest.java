package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-pass merge gives the very bits of a merge followed by two separate similarities. */
class NeighbourMergeTest {
    private static final int TOKENS = 7;
    private static final int DIM = 37; // not a multiple of the four lanes: the tails run too

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldMatchMergeThenCompareBetweenTwoStoredNeighbours(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SlotTensor left = half(random), a = half(random), b = half(random), right = half(random);
        long na = 1 + random.nextInt(50), nb = 1 + random.nextInt(50);

        NeighbourMerge.Result fused = NeighbourMerge.merge(left, a, na, b, nb, right, TOKENS, DIM, true);

        SlotTensor apart = assertSameMerge(fused, a, na, b, nb);
        assertThat(fused.left()).isEqualTo(SlotMath.meanCosine(left, apart, TOKENS, DIM));
        assertThat(fused.right()).isEqualTo(SlotMath.meanCosine(apart, right, TOKENS, DIM));
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void shouldMatchMergeThenCompareForTheFirstPairWithOnlyARightNeighbour(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SlotTensor a = half(random), b = half(random), right = half(random);
        long na = 1 + random.nextInt(50), nb = 1 + random.nextInt(50);

        NeighbourMerge.Result fused = NeighbourMerge.merge(null, a, na, b, nb, right, TOKENS, DIM, true);

        SlotTensor apart = assertSameMerge(fused, a, na, b, nb);
        assertThat(fused.left()).isNaN();
        assertThat(fused.right()).isEqualTo(SlotMath.meanCosine(apart, right, TOKENS, DIM));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void shouldMatchMergeThenCompareForANewFrameIntoTheLastSlot(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SlotTensor left = half(random), last = half(random);
        SlotTensor arriving = SlotTensor.ofFloats(values(random), null);
        long count = 1 + random.nextInt(50);

        NeighbourMerge.Result fused = NeighbourMerge.merge(left, last, count, arriving, 1, null, TOKENS, DIM, false);

        SlotTensor apart = SlotMath.merge(last, count, arriving, 1, TOKENS, DIM, true, false);
        assertThat(fused.merged().halves()).isEqualTo(apart.halves());
        assertThat(fused.left()).isEqualTo(SlotMath.meanCosine(left, apart, TOKENS, DIM));
        assertThat(fused.right()).isNaN();
    }

    /**
     * The fused merge equals the plain merge (same code for the values, separate code for the
     * norms), and its halves are the count-weighted mean of the inputs, computed here in double,
     * to half precision: a check that does not share the builder's code.
     */
    private static SlotTensor assertSameMerge(NeighbourMerge.Result fused, SlotTensor a, long na, SlotTensor b, long nb) {
        SlotTensor apart = SlotMath.merge(a, na, b, nb, TOKENS, DIM, true, true);
        assertThat(fused.merged().halves()).isEqualTo(apart.halves());
        assertThat(fused.merged().norms(TOKENS, DIM)).isEqualTo(apart.norms(TOKENS, DIM));
        assertThat(fused.merged().knownTokenMean()).isEqualTo(apart.knownTokenMean());
        short[] merged = fused.merged().halves();
        for (int i = 0; i < merged.length; i++) {
            double exact = (Half.WIDE[a.halves()[i] & 0xffff] * (double) na + Half.WIDE[b.halves()[i] & 0xffff] * (double) nb)
                    / (na + nb);
            // half rounding: at most half a unit in the last of 11 significant bits (plus the
            // float mean's own rounding), or half the smallest subnormal
            double bound = Math.max(Math.abs(exact) * 0x1p-11, 0x1p-25) * 1.001;
            assertThat((double) Half.WIDE[merged[i] & 0xffff]).as("value %d", i).isCloseTo(exact, org.assertj.core.api.Assertions.within(bound));
        }
        return apart;
    }

    private static SlotTensor half(SplittableRandom random) {
        return SlotMath.toHalves(values(random), 0, TOKENS, DIM, false);
    }

    private static float[] values(SplittableRandom random) {
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 3);
        }
        return values;
    }
}
