package dev.longwatch.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BackoffTest {
    static final Duration SECOND = Duration.ofSeconds(1);

    static DoubleSupplier constant(double r) {
        return () -> r;
    }

    static List<Long> delaysMs(Backoff backoff, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(backoff.next().toMillis());
        }
        return out;
    }

    @Test
    void shouldDoubleUpToTheCapWithoutJitter() {
        Backoff backoff = new Backoff(SECOND, Duration.ofSeconds(10), 2.0, 0.0, constant(0.7));

        assertThat(delaysMs(backoff, 7)).containsExactly(1000L, 2000L, 4000L, 8000L, 10_000L, 10_000L, 10_000L);
    }

    @Test
    void shouldTakeTheJitterFractionOffTheDelay() {
        // r = 0 keeps the full delay, r -> 1 takes off the whole jitter fraction.
        assertThat(new Backoff(SECOND, Duration.ofSeconds(8), 2.0, 0.5, constant(0.0)).next()).isEqualTo(SECOND);
        assertThat(new Backoff(SECOND, Duration.ofSeconds(8), 2.0, 0.5, constant(0.5)).next()).isEqualTo(Duration.ofMillis(750));
        Backoff capped = new Backoff(SECOND, Duration.ofSeconds(8), 2.0, 0.5, constant(0.999));
        assertThat(delaysMs(capped, 5)).containsExactly(500L, 1001L, 2002L, 4004L, 4004L);
    }

    @Test
    void shouldStartOverAfterReset() {
        Backoff backoff = new Backoff(SECOND, Duration.ofSeconds(30), 3.0, 0.0, constant(0));
        delaysMs(backoff, 4);

        backoff.reset();

        assertThat(delaysMs(backoff, 2)).containsExactly(1000L, 3000L);
    }

    @Test
    void shouldStayCappedAfterManyAttempts() {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(30), 10.0, 0.0, constant(0));

        for (int i = 0; i < 10_000; i++) {
            backoff.next();
        }

        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldRejectBadParametersAndBadRandomValues() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, SECOND, 2, 0, constant(0))).hasMessageContaining("initial");
        assertThatThrownBy(() -> new Backoff(SECOND, Duration.ofMillis(10), 2, 0, constant(0))).hasMessageContaining("max");
        assertThatThrownBy(() -> new Backoff(SECOND, SECOND, 0.5, 0, constant(0))).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new Backoff(SECOND, SECOND, 2, 1.5, constant(0))).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Backoff(SECOND, SECOND, 2, 0.5, constant(1.0)).next()).hasMessageContaining("[0, 1)");
    }
}
