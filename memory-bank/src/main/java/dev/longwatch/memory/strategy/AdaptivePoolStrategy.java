package dev.longwatch.memory.strategy;

import java.util.List;

/**
 * {@code adaptive-pool} (PLLaVA): adaptive average pooling of the frame stack to M time bins with a
 * reduced spatial size: each frame's tokens are averaged in groups of {@code spatialGroup}, and the
 * frames are averaged into M equal segments ({@link Segments}, the streaming form of adaptive
 * pooling over time). Every frame counts, none is sampled away.
 */
public final class AdaptivePoolStrategy implements MemoryStrategy {
    /** PLLaVA pools a 24×24 grid to 12×12, a quarter of the tokens. */
    public static final int DEFAULT_SPATIAL_GROUP = 4;

    private final int capacity;
    private final int spatialGroup;
    private final Timeline timeline = new Timeline();
    private final Segments segments;

    public AdaptivePoolStrategy(int capacity) {
        this(capacity, DEFAULT_SPATIAL_GROUP);
    }

    public AdaptivePoolStrategy(int capacity, int spatialGroup) {
        this.capacity = Strategies.checkCapacity(capacity, 1);
        if (spatialGroup < 1) {
            throw new IllegalArgumentException("spatial group must be at least 1, got " + spatialGroup);
        }
        this.spatialGroup = spatialGroup;
        this.segments = new Segments(capacity);
    }

    @Override
    public String name() {
        return "adaptive-pool";
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        segments.add(
                frame.seq(),
                frame.ptsMs(),
                Pooling.groups(frame.values(), frame.tokens(), frame.dim(), spatialGroup));
    }

    @Override
    public List<MemorySlot> slots() {
        return segments.slots(timeline.dim());
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
