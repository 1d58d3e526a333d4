package dev.longwatch.encoder;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Work spread over this machine's cores: the calling thread and one helper thread per further
 * core. Owned by its user, not the common pool, which Kafka or Flink in the same JVM may use;
 * helpers are daemon threads, so a user that forgets {@link #close()} does not keep the JVM up.
 */
public final class CoreShare implements AutoCloseable {
    private final ExecutorService helpers;
    private final int helperCount;

    /** One helper per core but the caller's, at least one, named {@code name-1, name-2, ...}. */
    public CoreShare(String name) {
        this(name, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    }

    CoreShare(String name, int helperCount) {
        this.helperCount = helperCount;
        AtomicInteger threads = new AtomicInteger();
        this.helpers = Executors.newFixedThreadPool(helperCount, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Threads besides the caller's. */
    public int helperCount() {
        return helperCount;
    }

    /** Runs {@code task} on one helper, beside whatever the caller does next. */
    public Future<?> submit(Runnable task) {
        return helpers.submit(task);
    }

    /**
     * Runs {@code task} for {@code 0 .. count-1} on the calling thread and up to one helper per
     * further core, each claiming the next index until none is left. The caller works rather than
     * waits, and claiming (not fixed ranges) keeps it from waiting on a helper that another
     * process keeps off its core: whatever the helper has not claimed yet, the caller does. (A
     * parked helper takes 70-200 µs to wake on a VM: the caller has begun long before.)
     *
     * <p>Returns when every index is done, even after a failure or an interrupt: tasks may write
     * into buffers the caller reuses. The interrupt is kept for the caller to see; the first
     * failure (an exception or an error) is rethrown.
     */
    public void forEach(int count, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable claim = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (RuntimeException | Error e) {
                    // Errors too: leaving before the helpers are done would let them write into
                    // buffers the caller already reuses.
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int h = 0; h < Math.min(helperCount, count - 1); h++) {
            helpers.execute(claim);
        }
        claim.run();
        uninterruptibly(done::await);
        Throwable first = failure.get();
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
    }

    /**
     * Waits for {@code task} ({@code null}: nothing to wait for) to finish, through interrupts
     * (it may write into buffers the caller reuses; the interrupt is kept), and rethrows its
     * failure.
     */
    public static void join(Future<?> task) {
        if (task == null) {
            return;
        }
        try {
            uninterruptibly(task::get);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A blocking wait that may be interrupted. */
    private interface Wait<E extends Exception> {
        void await() throws InterruptedException, E;
    }

    private static <E extends Exception> void uninterruptibly(Wait<E> wait) throws E {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    wait.await();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets running tasks finish; takes no new ones. */
    @Override
    public void close() {
        helpers.shutdown();
    }
}
