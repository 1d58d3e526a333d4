package dev.longwatch.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void shouldShowPercentRateAndEta() {
        // A quarter of a 100 s file in 10 s: 30 s to go.
        assertThat(ProgressBar.line(25, 25_000, 100_000, 10.0))
                .isEqualTo("[########                      ]  25.0%  25 frames  2.5 frames/s  ETA 00:30");
    }

    @Test
    void shouldShowNoPercentForUnknownLength() {
        assertThat(ProgressBar.line(12, 61_000, 0, 4.0)).isEqualTo("12 frames, 3.0 frames/s, at 01:01");
    }

    @Test
    void shouldRedrawAtMostFiveTimesASecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong nanos = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), nanos::get);

        for (int i = 1; i <= 10; i++) {
            nanos.addAndGet(50_000_000L); // 50 ms per frame
            bar.onProgress(i, i * 1000L, 10_000);
        }

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.split("\r", -1)).hasSize(1 + 3); // drawn at 50, 250 and 450 ms
        assertThat(out).endsWith("ETA 00:00");
    }
}
