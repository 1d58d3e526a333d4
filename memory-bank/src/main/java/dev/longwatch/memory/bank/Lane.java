package dev.longwatch.memory.bank;

/**
 * One ordered sequence of bank entries and the cached similarity of each adjacent pair. Frame mode
 * has one lane; token mode has one lane per token position. All arrays have one element per entry,
 * oldest first, except {@code similarities}, which has one per adjacent pair: {@code
 * similarities[i]} is the similarity of entries {@code i} and {@code i + 1}.
 *
 * <p>A plain record of primitive arrays, so Flink serializes it as a POJO (no Kryo).
 *
 * @param ids slot ids, the keys of the entries' vectors in the {@link SlotStore}
 * @param counts how many frames each entry averages
 * @param startMs media time of each entry's first frame
 * @param endMs media time of each entry's last frame
 * @param keyframeSeqs the frame that stands for each entry
 * @param gapBefore the entry's first frame came right after a gap in the source
 * @param similarities cached similarity of each adjacent pair
 */
public record Lane(
        long[] ids,
        long[] counts,
        long[] startMs,
        long[] endMs,
        long[] keyframeSeqs,
        boolean[] gapBefore,
        double[] similarities) {

    public static Lane empty() {
        return new Lane(
                new long[0],
                new long[0],
                new long[0],
                new long[0],
                new long[0],
                new boolean[0],
                new double[0]);
    }

    public int size() {
        return ids.length;
    }
}
