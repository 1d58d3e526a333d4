package dev.longwatch.memory.strategy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** {@code fifo}: the last M frames, whole; everything older is forgotten. */
public final class FifoStrategy implements MemoryStrategy {
    private final int capacity;
    private final Timeline timeline = new Timeline();
    private final Deque<MemorySlot> recent = new ArrayDeque<>();

    public FifoStrategy(int capacity) {
        this.capacity = Strategies.checkCapacity(capacity, 1);
    }

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        if (recent.size() == capacity) {
            recent.removeFirst();
        }
        recent.addLast(
                new MemorySlot(
                        frame.ptsMs(), frame.ptsMs(), 1, frame.seq(), frame.tokens(),
                        frame.values().clone()));
    }

    @Override
    public List<MemorySlot> slots() {
        return new ArrayList<>(recent);
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
