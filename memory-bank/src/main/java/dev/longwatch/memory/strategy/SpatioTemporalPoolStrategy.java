package dev.longwatch.memory.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code stpool} (Video-ChatGPT): temporal features, one token per frame (the mean of its tokens),
 * average-pooled into M - 1 equal time segments; plus one spatial slot, the mean over all frames of
 * each token position, spanning everything seen. Video-ChatGPT pools a fixed number of frames; the
 * streaming form keeps the segments about equal by merging the smallest neighbours when full ({@link Segments}).
 */
public final class SpatioTemporalPoolStrategy implements MemoryStrategy {
    private final int capacity;
    private final Timeline timeline = new Timeline();
    private final Segments temporal;
    private double[] spatialSum;
    private int tokens;
    private long firstSeq;
    private long firstPtsMs;
    private long lastPtsMs;

    public SpatioTemporalPoolStrategy(int capacity) {
        this.capacity = Strategies.checkCapacity(capacity, 2);
        this.temporal = new Segments(capacity - 1);
    }

    @Override
    public String name() {
        return "stpool";
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        if (spatialSum == null) {
            spatialSum = new double[frame.values().length];
            tokens = frame.tokens();
            firstSeq = frame.seq();
            firstPtsMs = frame.ptsMs();
        }
        float[] values = frame.values();
        for (int i = 0; i < values.length; i++) {
            spatialSum[i] += values[i];
        }
        lastPtsMs = frame.ptsMs();
        temporal.add(frame.seq(), frame.ptsMs(), Pooling.allTokens(values, tokens, frame.dim()));
    }

    @Override
    public List<MemorySlot> slots() {
        if (spatialSum == null) {
            return List.of();
        }
        long frames = timeline.framesSeen();
        float[] spatial = new float[spatialSum.length];
        for (int i = 0; i < spatial.length; i++) {
            spatial[i] = (float) (spatialSum[i] / frames);
        }
        List<MemorySlot> slots = new ArrayList<>(capacity);
        // Starts with the first frame, like the first temporal segment, so it sorts first.
        slots.add(new MemorySlot(firstPtsMs, lastPtsMs, frames, firstSeq, tokens, spatial));
        slots.addAll(temporal.slots(timeline.dim()));
        return slots;
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
