package dev.longwatch.query.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code max} things at once per tenant (open event streams, asks in progress), on this
 * instance. A slot is held from {@link #tryAcquire} until its {@link Slot#close()}; closing twice
 * frees it once. A tenant's entry lives while it holds a slot, so the map stays as small as the
 * tenants currently active.
 */
public final class TenantSlots {
    private final int max;
    private final Map<String, Integer> inUse = new HashMap<>();

    public TenantSlots(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        this.max = max;
    }

    /** A held slot; close it when the thing it stands for ends. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** A slot for {@code tenant}, or empty when it holds {@code max} already. */
    public synchronized Optional<Slot> tryAcquire(String tenant) {
        int held = inUse.getOrDefault(tenant, 0);
        if (held >= max) {
            return Optional.empty();
        }
        inUse.put(tenant, held + 1);
        return Optional.of(new Slot() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (TenantSlots.this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    int left = inUse.get(tenant) - 1;
                    if (left == 0) {
                        inUse.remove(tenant); // the entry dies with the tenant's last slot
                    } else {
                        inUse.put(tenant, left);
                    }
                }
            }
        });
    }

    /** Slots {@code tenant} holds now. */
    public synchronized int held(String tenant) {
        return inUse.getOrDefault(tenant, 0);
    }

    public int max() {
        return max;
    }
}
