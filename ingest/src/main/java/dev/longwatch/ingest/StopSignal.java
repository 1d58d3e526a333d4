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
        SHUTDOWN
    }

    private Reason reason;
    private boolean finished;

    /** @return false when the worker already finished (the caller handles the stop itself) */
    synchronized boolean request(Reason why) {
        if (finished) {
            return false;
        }
        // DELETED wins over DISABLED/SHUTDOWN: its tombstone must be the last word.
        if (reason == null || why == Reason.DELETED) {
            reason = why;
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
