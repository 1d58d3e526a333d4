package dev.longwatch.query.ask;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many model calls run at once. A call that finds every slot taken waits at most
 * {@code wait} and is then refused with {@link ModelBusyException}, so a burst of questions turns
 * into fast 503s instead of a queue of requests that would all time out.
 */
public final class ModelSlots {
    private final Semaphore slots;
    private final int size;
    private final Duration wait;

    public ModelSlots(int size, Duration wait) {
        if (size < 1) {
            throw new IllegalArgumentException("need at least one model slot, got " + size);
        }
        this.slots = new Semaphore(size, true);
        this.size = size;
        this.wait = wait;
    }

    public <T> T call(Supplier<T> modelCall) {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelBusyException("interrupted while waiting for a model slot");
        }
        if (!acquired) {
            throw new ModelBusyException(
                    "all " + size + " model slots are busy (LONGWATCH_LLM_MAX_CONCURRENT); retry shortly");
        }
        try {
            return modelCall.get();
        } finally {
            slots.release();
        }
    }

    /** Calls running now. */
    public int inUse() {
        return size - slots.availablePermits();
    }
}
