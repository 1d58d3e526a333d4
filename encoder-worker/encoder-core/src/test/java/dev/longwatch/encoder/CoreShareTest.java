package dev.longwatch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CoreShareTest {

    @Test
    void shouldRunEveryIndexOnceOnTheCallerAndTheHelpers() throws Exception {
        try (CoreShare cores = new CoreShare("test", 3)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch allThreadsIn = new CountDownLatch(4);
            cores.forEach(1000, i -> {
                runs.incrementAndGet(i);
                if (threads.add(Thread.currentThread().getName())) {
                    allThreadsIn.countDown();
                    // hold each thread's first index until all four have one, so all take part
                    await(allThreadsIn);
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertThat(runs.get(i)).as("index %d", i).isEqualTo(1);
            }
            assertThat(threads).contains(Thread.currentThread().getName()).hasSize(4);
        }
    }

    @Test
    void shouldFinishEveryIndexBeforeRethrowingTheFirstFailure() {
        assertFinishesEveryIndexThenRethrows(7, new IllegalStateException("index 7"));
    }

    @Test
    void shouldFinishEveryIndexBeforeRethrowingAnError() {
        // index 0: thrown on the caller's thread, which must still wait for the helper
        assertFinishesEveryIndexThenRethrows(0, new AssertionError("index 0"));
    }

    private static void assertFinishesEveryIndexThenRethrows(int failing, Throwable thrown) {
        try (CoreShare cores = new CoreShare("test", 1)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(50);
            assertThatThrownBy(() -> cores.forEach(50, i -> {
                        runs.incrementAndGet(i);
                        if (i == failing) {
                            sneakyThrow(thrown);
                        }
                    }))
                    .isInstanceOf(thrown.getClass())
                    .hasMessage(thrown.getMessage())
                    .isSameAs(thrown);
            for (int i = 0; i < 50; i++) {
                assertThat(runs.get(i)).as("index %d", i).isEqualTo(1);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable thrown) throws T {
        throw (T) thrown;
    }

    @Test
    void shouldDoEverythingOnTheCallerWhenThereIsOneIndex() {
        try (CoreShare cores = new CoreShare("test", 2)) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            cores.forEach(1, i -> threads.add(Thread.currentThread().getName()));
            assertThat(threads).containsExactly(Thread.currentThread().getName());
            cores.forEach(0, i -> threads.add("never"));
            assertThat(threads).doesNotContain("never");
        }
    }

    @Test
    void shouldJoinATaskThroughAnInterruptAndKeepTheInterrupt() throws Exception {
        try (CoreShare cores = new CoreShare("test", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.Future<?> task = cores.submit(() -> {
                await(release);
                finished.set(true);
            });
            Thread.currentThread().interrupt();
            Thread releaser = new Thread(() -> {
                sleepQuietly(200);
                release.countDown();
            });
            releaser.start();
            CoreShare.join(task);
            assertThat(finished).isTrue(); // it waited, although interrupted
            assertThat(Thread.interrupted()).isTrue(); // and the interrupt is still there (now cleared)
            releaser.join();

            assertThatThrownBy(() -> CoreShare.join(cores.submit(() -> {
                        throw new IllegalArgumentException("from the helper");
                    })))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("from the helper");
            CoreShare.join(null);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("all threads took an index").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
