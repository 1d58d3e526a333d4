package dev.longwatch.memory.chapter;

/**
 * Cuts a stream's media time into chapters of {@code chapterMs}, counted from the stream's first
 * frame: chapter i covers {@code [first + i·chapterMs, first + (i+1)·chapterMs)}. The frame-level
 * bank of a chapter is sealed when the first frame of a later chapter arrives.
 */
public record ChapterPolicy(long chapterMs) {
    /** design.md's {@code chapter_s} default, 600 s. */
    public static final long DEFAULT_CHAPTER_MS = 600_000;

    public ChapterPolicy {
        if (chapterMs < 1) {
            throw new IllegalArgumentException("chapter length must be positive, got " + chapterMs);
        }
    }

    /** The chapter a frame at {@code ptsMs} belongs to; frames before the first belong to 0. */
    public long index(long firstPtsMs, long ptsMs) {
        return Math.max(0, Math.floorDiv(ptsMs - firstPtsMs, chapterMs));
    }

    /** Whether a frame at {@code ptsMs} closes the chapter {@code currentIndex} (seal it first). */
    public boolean seals(long firstPtsMs, long currentIndex, long ptsMs) {
        return index(firstPtsMs, ptsMs) > currentIndex;
    }
}
