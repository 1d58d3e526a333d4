package dev.longwatch.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LagRuleTest {
    @Test
    void shouldFitTheSlopePerMinuteOfALagThatGrows() {
        List<Double> t = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        Random noise = new Random(7);
        for (int s = 0; s < 120; s++) {
            t.add((double) s);
            // Falling behind by 5 % of the frames: 3 s of lag a minute, under checkpoint jitter.
            lag.add(1.0 + 0.05 * s + noise.nextDouble());
        }

        assertThat(LagRule.slopePerMinute(t, lag)).isCloseTo(3.0, within(0.2));
        assertThat(LagRule.holds(LagRule.slopePerMinute(t, lag), lag.get(lag.size() - 1))).isFalse();
    }

    @Test
    void shouldHoldALagThatOnlyJittersAroundTheCheckpointInterval() {
        List<Double> t = new ArrayList<>();
        List<Double> lag = new ArrayList<>();
        Random noise = new Random(7);
        for (int s = 0; s < 120; s++) {
            t.add((double) s);
            lag.add(1.0 + noise.nextDouble());
        }

        assertThat(LagRule.holds(LagRule.slopePerMinute(t, lag), lag.get(lag.size() - 1))).isTrue();
    }

    @Test
    void shouldFailALagThatIsFlatButFarBehind() {
        assertThat(LagRule.holds(0.0, LagRule.MAX_LAG_SEC + 1)).isFalse();
    }

    @Test
    void shouldGiveNoSlopeForFewerThanTwoPoints() {
        assertThat(LagRule.slopePerMinute(List.of(1.0), List.of(5.0))).isZero();
        assertThat(LagRule.slopePerMinute(List.of(), List.of())).isZero();
    }
}
