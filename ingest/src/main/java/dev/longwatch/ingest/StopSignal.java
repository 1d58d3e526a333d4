package dev.longwatch.ingest;

/**
 * Asks a running stream to stop and says why; the worker decides what to write last. Guarded so
 * that a stop requested after the worker wrote its final status is reported as refused.
 */
final class StopSignal {
    enum Reason {
        /** enabled=false: write STOPPED; a later enable resumes. */
        DISABLED,
        /** Tombstone: write a status tombstone. */
        DELETED,
        /** This instance is closing: write STOPPED so the next start resumes. */
        SHUTDOWN,
        /**
         * The stream's lw.streams partition moved to another instance: write STOPPED so the new
         * owner resumes after the last acknowledged seq.
         */
        HANDOVER
    }

    private Reason reason;
    private boolean finished;
    // Wakes a run that waits out a reconnect backoff on a timer instead of a thread.
    private Runnable waker;

    /** @return false when the worker already finished (the caller handles the stop itself) */
    boolean request(Reason why) {
        Runnable wake;
        synchronized (this) {
            if (finished) {
                return false;
            }
            // DELETED wins over DISABLED/SHUTDOWN: its tombstone must be the last word.
            if (reason == null || why == Reason.DELETED) {
                reason = why;
            }
            notifyAll(); // wakes a worker waiting out a reconnect backoff on its thread
            wake = waker;
            waker = null;
        }
        if (wake != null) {
            wake.run(); // outside the lock: it hands the run to a worker pool
        }
        return true;
    }

    /**
     * Runs {@code wake} when a stop is requested, or at once if one already was; replaces the
     * waker of an earlier wait. Cleared once run.
     */
    void onRequest(Runnable wake) {
        boolean now;
        synchronized (this) {
            now = reason != null;
            waker = now ? null : wake;
        }
        if (now) {
            wake.run();
        }
    }

    /**
     * Waits up to {@code timeout} unless a stop is (or gets) requested.
     *
     * @return true when a stop was requested
     */
    synchronized boolean await(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (reason == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized Reason reason() {
        return reason;
    }

    /**
     * Runs {@code last} (the final status write) and marks the worker finished, atomically with
     * respect to {@link #request}.
     */
    synchronized void finish(java.util.function.Consumer<Reason> last) {
        last.accept(reason);
        finished = true;
    }
}
