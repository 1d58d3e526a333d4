package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.bank.reference.MaLmmOracle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

/**
 * The incremental bank against the plain port of MA-LMM, step by step, in both granularities and
 * both storage types, on many seeded streams: Gaussian frames and scene walks, non-negative ones
 * (as ReLU features are), values of magnitude 1, 300 and 10<sup>-4</sup> (where binary16 is
 * subnormal), with and without gap markers, and a few larger shapes. {@link MaLmmOracle} holds
 * every value and cached similarity within the bound it derives from the arithmetic, and follows
 * the bank's pick only where the two pairs are a near tie by that bound (any other difference of
 * pick fails); the near ties are counted and printed.
 */
class MaLmmOracleTest {
    private static final int SEEDS = 300;
    private static final int LARGE_SEEDS = 12;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"FRAME, F32", "TOKEN, F32", "FRAME, F16", "TOKEN, F16"})
    void shouldBeMaLmmWithinTheDerivedBound(Granularity granularity, StorageDtype dtype) {
        MaLmmOracle.Tally total = new MaLmmOracle.Tally();
        long streamsWithNearTies = 0;
        for (long seed = 1; seed <= SEEDS + LARGE_SEEDS; seed++) {
            MaLmmOracle.Tally tally = compareStream(seed, seed > SEEDS, granularity, dtype);
            streamsWithNearTies += tally.nearTies > 0 ? 1 : 0;
            total.steps += tally.steps;
            total.laneMerges += tally.laneMerges;
            total.nearTies += tally.nearTies;
            total.worstValueRatio = Math.max(total.worstValueRatio, tally.worstValueRatio);
            total.worstSimilarityRatio =
                    Math.max(total.worstSimilarityRatio, tally.worstSimilarityRatio);
            total.largestRelativeValueBound =
                    Math.max(total.largestRelativeValueBound, tally.largestRelativeValueBound);
        }
        System.out.printf(
                "MaLmmOracleTest %s %s: %d streams, %d with near ties; %s%n",
                granularity, dtype, SEEDS + LARGE_SEEDS, streamsWithNearTies, total);

        assertThat(total.laneMerges).as("merges compared").isGreaterThan(SEEDS * 10L);
        if (dtype == StorageDtype.F32) {
            // Float storage rounds nothing: only the order of float operations differs.
            assertThat(total.largestRelativeValueBound).isLessThan(1e-4);
        }
    }

    private static MaLmmOracle.Tally compareStream(
            long seed, boolean large, Granularity granularity, StorageDtype dtype) {
        Random shape = new Random(seed * 7919);
        int capacity = large ? 8 + shape.nextInt(33) : 1 + shape.nextInt(8);
        int tokens = large ? 16 : 1 + shape.nextInt(6);
        int dim = large ? 64 : 2 + shape.nextInt(15);
        int steps = large ? 120 : capacity * 3 + 10;
        float scale = new float[] {1f, 300f, 1e-4f}[(int) (seed % 3)];
        boolean nonNegative = seed % 5 < 2;
        double gapChance = seed % 4 == 0 ? 0.15 : 0;
        BankConfig config = new BankConfig(capacity, granularity, false);

        RandomFrames frames = new RandomFrames(seed, tokens, dim);
        MemoryBank bank = MemoryBank.create(config);
        BankStorage storage = BankStorage.inMemory(dtype);
        BankIndex index = BankIndex.empty();
        MaLmmOracle oracle = new MaLmmOracle(config, dtype);
        for (int step = 0; step < steps; step++) {
            float[] values = frames.next();
            for (int i = 0; i < values.length; i++) {
                values[i] = scale * (nonNegative ? Math.abs(values[i]) : values[i]);
            }
            boolean gap = step > 0 && shape.nextDouble() < gapChance;
            BankFrame frame = new BankFrame(step, step * 40L, tokens, dim, values, gap);
            index = bank.append(index, frame, storage).index();
            try {
                oracle.step(frame, index, storage);
            } catch (AssertionError e) {
                throw new AssertionError(
                        "seed " + seed + " (" + granularity + ", " + dtype + "): " + e.getMessage(), e);
            }
        }
        return oracle.tally();
    }
}
