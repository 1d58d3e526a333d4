package dev.longwatch.query.ask;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A bounded cache (Caffeine, size-based eviction) in which each key is computed once: callers
 * that ask for a key while it is being computed wait for that computation instead of starting
 * their own, so two identical questions in flight call the model once. A computation that throws
 * is not kept: every caller waiting on it gets its exception, and the next one computes afresh.
 *
 * <p>The computation runs on the thread of the caller that found the key missing, not on a pool:
 * a model call keeps the request thread it was made for (and its timeout), as without a cache.
 *
 * <p>Exported on {@code /metrics} by Micrometer's {@link CaffeineCacheMetrics}, tagged {@code
 * cache=NAME}: {@code cache_gets_total{result=hit|miss}}, {@code cache_size}, {@code
 * cache_evictions_total}, {@code cache_puts_total}, load counts and duration.
 */
final class OncePerKeyCache<K, V> {
    // Entries are futures: an entry appears when its computation starts, so later callers find
    // it (and wait on it) before the value exists. Caffeine removes a future that fails.
    private final AsyncCache<K, V> cache;

    OncePerKeyCache(String name, long maximumSize, MeterRegistry metrics) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().buildAsync();
        CaffeineCacheMetrics.monitor(metrics, cache, name);
    }

    /**
     * The value for {@code key}: cached, being computed by another caller (then waited for), or
     * computed here by {@code compute}.
     *
     * @throws RuntimeException what {@code compute} threw, here or in the caller computing it
     */
    V get(K key, Supplier<V> compute) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> entry = cache.get(key, (k, executor) -> mine);
        if (entry == mine) {
            try {
                mine.complete(compute.get());
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(new ComputationFailed(e));
            }
        }
        try {
            return entry.join();
        } catch (ComputationFailed failed) {
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) failed.getCause();
        }
    }

    /**
     * How a failed computation travels to its waiters. A cancellation to Caffeine, which then
     * drops the entry and counts a failed load as for any failure, but does not log it: every
     * other failure of an asynchronous load it logs at WARNING with its stack trace, and a model
     * error is already answered (502, 503) and logged where the ask came in.
     */
    private static final class ComputationFailed extends CancellationException {
        ComputationFailed(Throwable cause) {
            super(cause.getMessage());
            initCause(cause);
        }
    }

    /** Gets that found the key cached or in flight (Caffeine's statistics). */
    long hits() {
        return cache.synchronous().stats().hitCount();
    }
}
