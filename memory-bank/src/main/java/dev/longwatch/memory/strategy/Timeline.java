package dev.longwatch.memory.strategy;

/**
 * Checks that frames keep their shape and move forward (seq strictly, media time not backwards).
 * One per strategy instance.
 */
final class Timeline {
    private int tokens;
    private int dim;
    private long lastPtsMs = Long.MIN_VALUE;
    private long lastSeq = Long.MIN_VALUE;
    private long framesSeen;

    void admit(StrategyInput frame) {
        if (framesSeen > 0 && (frame.tokens() != tokens || frame.dim() != dim)) {
            throw new IllegalArgumentException(
                    "frame of " + frame.tokens() + "x" + frame.dim() + " after frames of "
                            + tokens + "x" + dim);
        }
        if (frame.ptsMs() < lastPtsMs) {
            throw new IllegalArgumentException(
                    "frame at " + frame.ptsMs() + " ms comes after one at " + lastPtsMs + " ms");
        }
        if (framesSeen > 0 && frame.seq() <= lastSeq) {
            throw new IllegalArgumentException(
                    "frame seq " + frame.seq() + " does not follow seq " + lastSeq);
        }
        tokens = frame.tokens();
        lastSeq = frame.seq();
        dim = frame.dim();
        lastPtsMs = frame.ptsMs();
        framesSeen++;
    }

    long framesSeen() {
        return framesSeen;
    }

    int dim() {
        return dim;
    }
}
