package dev.longwatch.memory.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming temporal average pooling into at most {@code limit} segments of equal length: frames
 * fill a segment of {@code width} frames; when a new segment would exceed the limit, every two
 * neighbouring segments merge (count-weighted) and the width doubles. Each segment is a contiguous
 * span, and together they tile everything seen.
 */
final class Segments {
    private final int limit;
    private final List<Segment> segments = new ArrayList<>();
    private long width = 1;

    Segments(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("need room for at least one segment, got " + limit);
        }
        this.limit = limit;
    }

    /** Adds one frame's (already spatially pooled) vectors. */
    void add(long seq, long ptsMs, float[] pooled) {
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last != null && last.count < width) {
            last.add(ptsMs, pooled);
            return;
        }
        if (segments.size() == limit) {
            halve();
            last = segments.get(segments.size() - 1);
            if (last.count < width) {
                last.add(ptsMs, pooled);
                return;
            }
        }
        segments.add(new Segment(seq, ptsMs, pooled));
    }

    private void halve() {
        List<Segment> halved = new ArrayList<>();
        for (int i = 0; i < segments.size(); i += 2) {
            Segment left = segments.get(i);
            if (i + 1 < segments.size()) {
                left.absorb(segments.get(i + 1));
            }
            halved.add(left);
        }
        segments.clear();
        segments.addAll(halved);
        width *= 2;
    }

    List<MemorySlot> slots(int dim) {
        List<MemorySlot> slots = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            float[] mean = new float[s.sum.length];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (float) (s.sum[i] / s.count);
            }
            slots.add(
                    new MemorySlot(
                            s.startMs, s.endMs, s.count, s.firstSeq, mean.length / dim, mean));
        }
        return slots;
    }

    /** A running sum (in double, so long segments do not drift) and its span. */
    private static final class Segment {
        final long firstSeq;
        final long startMs;
        long endMs;
        long count;
        final double[] sum;

        Segment(long seq, long ptsMs, float[] pooled) {
            firstSeq = seq;
            startMs = ptsMs;
            endMs = ptsMs;
            count = 1;
            sum = new double[pooled.length];
            for (int i = 0; i < pooled.length; i++) {
                sum[i] = pooled[i];
            }
        }

        void add(long ptsMs, float[] pooled) {
            for (int i = 0; i < pooled.length; i++) {
                sum[i] += pooled[i];
            }
            endMs = ptsMs;
            count++;
        }

        void absorb(Segment next) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += next.sum[i];
            }
            endMs = next.endMs;
            count += next.count;
        }
    }
}
