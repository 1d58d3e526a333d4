package dev.longwatch.memory.strategy;

import java.util.List;

/**
 * {@code uniform} (Video-LLaVA): M whole frames sampled evenly over everything seen. Video-LLaVA
 * samples a finished clip; the streaming form ({@link EvenSample}) takes every frame and, when it
 * holds M + 1, drops the one whose neighbours are closest, so it always holds M.
 */
public final class UniformStrategy implements MemoryStrategy {
    private final int capacity;
    private final Timeline timeline = new Timeline();
    private final EvenSample sample;

    public UniformStrategy(int capacity) {
        this.capacity = Strategies.checkCapacity(capacity, 1);
        this.sample = new EvenSample(capacity);
    }

    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        sample.offer(frame.seq(), frame.ptsMs(), frame.values().clone(), frame.tokens());
    }

    @Override
    public List<MemorySlot> slots() {
        return sample.slots();
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
