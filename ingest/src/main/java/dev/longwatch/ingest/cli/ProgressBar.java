package dev.longwatch.ingest.cli;

import dev.longwatch.ingest.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line terminal progress bar for file ingest: percent of media time, frames produced per
 * second of wall time and the ETA. Redraws at most every 200 ms (a carriage return, no newline)
 * so a fast file does not flood the terminal. The nano clock is injected for tests.
 */
public final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastDrawNanos = Long.MIN_VALUE;
    private String lastLine = "";

    public ProgressBar(PrintStream out) {
        this(out, System::nanoTime);
    }

    public ProgressBar(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    @Override
    public void onProgress(long framesProduced, long ptsMs, long durationMs) {
        long now = nanoClock.getAsLong();
        if (lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < REDRAW_NANOS) {
            return;
        }
        lastDrawNanos = now;
        lastLine = line(framesProduced, ptsMs, durationMs, (now - startNanos) / 1e9);
        out.print("\r" + lastLine);
        out.flush();
    }

    /** Ends the bar's line with a final summary. */
    public void finish(String summary) {
        out.print("\r" + lastLine + "\n" + summary + "\n");
        out.flush();
    }

    /** The bar for the given state; pure. */
    static String line(long frames, long ptsMs, long durationMs, double elapsedSeconds) {
        double fps = elapsedSeconds > 0 ? frames / elapsedSeconds : 0;
        if (durationMs <= 0) {
            // Unknown length (a live source): no percent, no ETA.
            return String.format(Locale.ROOT, "%d frames, %.1f frames/s, at %s", frames, fps, clock(ptsMs / 1000.0));
        }
        double done = Math.min(1.0, Math.max(0.0, (double) ptsMs / durationMs));
        int filled = (int) Math.round(done * WIDTH);
        String eta = done > 0 ? clock(elapsedSeconds * (1 - done) / done) : "--:--";
        return String.format(
                Locale.ROOT,
                "[%s%s] %5.1f%%  %d frames  %.1f frames/s  ETA %s",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                done * 100,
                frames,
                fps,
                eta);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
