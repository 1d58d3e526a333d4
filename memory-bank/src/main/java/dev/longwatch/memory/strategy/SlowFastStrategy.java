package dev.longwatch.memory.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code slowfast} (LITA): slow tokens, a few frames at full spatial resolution sampled evenly
 * ({@link EvenSample}, a quarter of the slots, at least one), plus fast tokens, every frame
 * pooled to one token and averaged into the remaining slots as equal time segments ({@link
 * Segments}). Slow slots are single frames lying inside fast segments, so spans overlap.
 */
public final class SlowFastStrategy implements MemoryStrategy {
    private final int capacity;
    private final Timeline timeline = new Timeline();
    private final EvenSample slow;
    private final Segments fast;

    public SlowFastStrategy(int capacity) {
        this.capacity = Strategies.checkCapacity(capacity, 2);
        int slowSlots = Math.max(1, capacity / 4);
        this.slow = new EvenSample(slowSlots);
        this.fast = new Segments(capacity - slowSlots);
    }

    @Override
    public String name() {
        return "slowfast";
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        slow.offer(frame.seq(), frame.ptsMs(), frame.values().clone(), frame.tokens());
        fast.add(
                frame.seq(),
                frame.ptsMs(),
                Pooling.allTokens(frame.values(), frame.tokens(), frame.dim()));
    }

    @Override
    public List<MemorySlot> slots() {
        List<MemorySlot> slots = new ArrayList<>(slow.slots());
        slots.addAll(fast.slots(timeline.dim()));
        slots.sort(Comparator.comparingLong(MemorySlot::startMs).thenComparingLong(MemorySlot::endMs));
        return slots;
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
