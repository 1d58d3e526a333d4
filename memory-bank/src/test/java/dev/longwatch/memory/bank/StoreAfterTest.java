package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Storing a new entry with its similarity in one pass gives the bits of storing, then comparing. */
class StoreAfterTest {
    private static final int TOKENS = 5;
    private static final int DIM = 41; // not a multiple of the four lanes: the tails run too

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void shouldMatchStoreThenCompare(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SlotTensor previous = SlotMath.toHalves(values(random), 0, TOKENS, DIM, false);
        float[] arriving = values(random);

        StoreAfter.Result fused = StoreAfter.store(arriving, previous, TOKENS, DIM, true);

        SlotTensor apart = SlotMath.toHalves(arriving, 0, TOKENS, DIM, true);
        assertThat(fused.stored().halves()).isEqualTo(apart.halves());
        assertThat(fused.stored().norms(TOKENS, DIM)).isEqualTo(apart.norms(TOKENS, DIM));
        assertThat(fused.stored().knownTokenMean()).isEqualTo(apart.knownTokenMean());
        assertThat(fused.similarity()).isEqualTo(SlotMath.meanCosine(previous, apart, TOKENS, DIM));
    }

    private static float[] values(SplittableRandom random) {
        float[] values = new float[TOKENS * DIM];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 2);
        }
        return values;
    }
}
