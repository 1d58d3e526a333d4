package dev.longwatch.query.ask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OncePerKeyCacheTest {
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final OncePerKeyCache<String, String> cache = new OncePerKeyCache<>("test.cache", 2, metrics);
    private final ExecutorService callers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void shouldGiveAFailedComputationToTheCallerWaitingOnItAndKeepNothing() throws Exception {
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        AtomicInteger computations = new AtomicInteger();
        Future<String> first = callers.submit(() -> cache.get("k", () -> {
            computations.incrementAndGet();
            computing.countDown();
            await(fail);
            throw new IllegalStateException("model down");
        }));
        assertThat(computing.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        Future<String> second = callers.submit(() -> {
            waiter.set(Thread.currentThread());
            return cache.get("k", () -> {
                computations.incrementAndGet();
                return "computed by the second caller";
            });
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((waiter.get() == null || waiter.get().getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        fail.countDown();

        for (Future<String> caller : java.util.List.of(first, second)) {
            assertThatThrownBy(() -> caller.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("model down");
        }
        assertThat(computations).hasValue(1);
        assertThat(cache.get("k", () -> "fresh")).isEqualTo("fresh");
    }

    @Test
    void shouldExportItsStatisticsOnPrometheusTaggedWithItsName() {
        cache.get("a", () -> "A");
        cache.get("a", () -> "not computed again");
        cache.get("b", () -> "B");

        assertThat(cache.get("a", () -> "not computed again")).isEqualTo("A");
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(metrics.scrape())
                .contains("cache_gets_total{cache=\"test.cache\",result=\"hit\"} 2.0")
                .contains("cache_gets_total{cache=\"test.cache\",result=\"miss\"} 2.0")
                .contains("cache_size{cache=\"test.cache\"} 2.0");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the computation");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
