package dev.longwatch.memory.strategy;

import java.util.List;

/**
 * A bounded memory of one stream: takes frames in media-time order and keeps at most {@link
 * #capacity()} slots that stand for everything seen so far. Implementations are the comparison
 * points of the seed papers (fifo, uniform, stpool, adaptive-pool, slowfast), the bank at frame
 * granularity (mbc, this product's rule), MA-LMM's per-token bank (mbc-token) and the bank under
 * the boundary rule (boundary, new here); they hold their state themselves and are not thread-safe.
 *
 * <p>Contract (checked for every implementation by {@code MemoryStrategyContractTest}): after any
 * append, {@link #slots()} has at most {@link #capacity()} entries, ordered by start time, each
 * with {@code startMs <= endMs}, within the span of the frames seen, and standing for at least one
 * frame; once {@link #capacity()} frames were seen it has exactly {@link #capacity()} entries, so
 * every strategy compared uses the same budget.
 */
public interface MemoryStrategy {

    /** The name used in reports and on the command line, e.g. {@code "mbc"}. */
    String name();

    /** M: the most slots this memory ever holds. */
    int capacity();

    /**
     * Adds the next frame.
     *
     * @throws IllegalArgumentException when the frame goes back in time or changes shape
     */
    void append(StrategyInput frame);

    /** The slots now, ordered by start time. */
    List<MemorySlot> slots();

    /** Frames appended so far. */
    long framesSeen();
}
