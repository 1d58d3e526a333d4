package dev.longwatch.memory.chapter;

/**
 * Where a stream is in its chapters: kept next to the bank (one small value per stream).
 *
 * @param firstPtsMs media time of the stream's first frame; chapters count from here
 * @param index the chapter the live bank belongs to
 * @param framesBefore frames already sealed into earlier chapters, so the stream's total is {@code
 *     framesBefore + bank frames}
 */
public record ChapterCursor(long firstPtsMs, long index, long framesBefore) {

    public static ChapterCursor startingAt(long firstPtsMs) {
        return new ChapterCursor(firstPtsMs, 0, 0);
    }

    ChapterCursor sealed(long nextIndex, long sealedFrames) {
        return new ChapterCursor(firstPtsMs, nextIndex, framesBefore + sealedFrames);
    }
}
