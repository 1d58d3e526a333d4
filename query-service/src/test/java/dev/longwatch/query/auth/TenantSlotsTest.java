package dev.longwatch.query.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantSlotsTest {
    @Test
    void shouldGiveEachTenantItsOwnSlotsAndFreeEachOnce() {
        TenantSlots slots = new TenantSlots(2);
        Optional<TenantSlots.Slot> a1 = slots.tryAcquire("a");
        Optional<TenantSlots.Slot> a2 = slots.tryAcquire("a");

        assertThat(a1).isPresent();
        assertThat(a2).isPresent();
        assertThat(slots.tryAcquire("a")).isEmpty();
        assertThat(slots.tryAcquire("b")).isPresent();

        a1.get().close();
        a1.get().close(); // a second close frees nothing more
        assertThat(slots.held("a")).isEqualTo(1);
        assertThat(slots.tryAcquire("a")).isPresent();
        assertThat(slots.tryAcquire("a")).isEmpty();
    }
}
