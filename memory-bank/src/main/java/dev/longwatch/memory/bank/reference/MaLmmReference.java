package dev.longwatch.memory.bank.reference;

/**
 * A direct port of MA-LMM's {@code memory_bank_compress} (boheumd/MA-LMM) for batch size 1,
 * including the {@code sync} flag of its later variant (similarity averaged over tokens, so whole
 * frames merge). Written as plainly as the original, neither slowed nor tuned: every call computes
 * the similarity of all adjacent pairs, gathers, scales by the counts, scatter-adds and divides,
 * all in float. It is the test oracle of the incremental bank and the benchmark's reference.
 *
 * <p>Shapes: a bank is {@code float[T][N][C]} (entries, token positions, channels) and its counts
 * {@code float[T][N]}.
 */
public final class MaLmmReference {
    /** torch.nn.functional.cosine_similarity's default eps. */
    public static final float EPS = 1e-8f;

    private MaLmmReference() {}

    /** A bank and its per-entry, per-token frame counts. */
    public record Bank(float[][][] memory, float[][] sizes) {
        public static Bank empty() {
            return new Bank(new float[0][][], new float[0][]);
        }

        public int length() {
            return memory.length;
        }
    }

    /**
     * What MA-LMM's query transformer does per frame: concatenate the frame with count 1, then
     * compress once when the bank is longer than {@code capacity}.
     */
    public static Bank append(Bank bank, float[][] frame, int capacity, boolean sync) {
        int t = bank.length();
        float[][][] memory = new float[t + 1][][];
        float[][] sizes = new float[t + 1][];
        System.arraycopy(bank.memory(), 0, memory, 0, t);
        System.arraycopy(bank.sizes(), 0, sizes, 0, t);
        memory[t] = frame;
        sizes[t] = new float[frame.length];
        java.util.Arrays.fill(sizes[t], 1f);
        Bank grown = new Bank(memory, sizes);
        if (grown.length() > capacity) {
            return compress(grown.memory(), grown.sizes(), sync);
        }
        return grown;
    }

    /**
     * {@code F.cosine_similarity(memory_bank[:, :-1], memory_bank[:, 1:], dim=-1)}, then with
     * {@code sync} the mean over tokens expanded back to every token: {@code float[T-1][N]}.
     */
    public static float[][] adjacentSimilarity(float[][][] memoryBank, boolean sync) {
        int t = memoryBank.length;
        int n = memoryBank[0].length;
        float[][] similarity = new float[t - 1][n];
        for (int i = 0; i < t - 1; i++) {
            for (int j = 0; j < n; j++) {
                similarity[i][j] = cosineSimilarity(memoryBank[i][j], memoryBank[i + 1][j]);
            }
        }
        if (sync) {
            for (int i = 0; i < t - 1; i++) {
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum += similarity[i][j];
                }
                float mean = sum / n;
                for (int j = 0; j < n; j++) {
                    similarity[i][j] = mean;
                }
            }
        }
        return similarity;
    }

    /** One compression: the bank shrinks from T to T-1 entries. */
    public static Bank compress(float[][][] memoryBank, float[][] compressionSize, boolean sync) {
        int t = memoryBank.length;
        int n = memoryBank[0].length;
        float[][] similarityMatrix = adjacentSimilarity(memoryBank, sync);

        // torch.max(similarity_matrix, dim=1): per token, the first index of the maximum.
        int[] maxSimilarityIndices = new int[n];
        for (int j = 0; j < n; j++) {
            int best = 0;
            for (int i = 1; i < t - 1; i++) {
                if (similarityMatrix[i][j] > similarityMatrix[best][j]) {
                    best = i;
                }
            }
            maxSimilarityIndices[j] = best;
        }
        return mergeAt(memoryBank, compressionSize, maxSimilarityIndices);
    }

    /**
     * The second half of {@link #compress}: token j's entries {@code maxSimilarityIndices[j]} and
     * the one after it become their count-weighted mean, exactly as {@code memory_bank_compress}
     * gathers, scales, scatter-adds and divides. Public so that an oracle can follow another
     * implementation's pick where the two picks are a tie within rounding.
     */
    public static Bank mergeAt(
            float[][][] memoryBank, float[][] compressionSize, int[] maxSimilarityIndices) {
        int t = memoryBank.length;
        int n = memoryBank[0].length;
        int c = memoryBank[0][0].length;

        // src = max + 1; dst = arange(T-1), shifted up by one past the max.
        int[] srcIndices = new int[n];
        int[][] dstIndices = new int[t - 1][n];
        for (int j = 0; j < n; j++) {
            srcIndices[j] = maxSimilarityIndices[j] + 1;
            for (int i = 0; i < t - 1; i++) {
                dstIndices[i][j] = i > maxSimilarityIndices[j] ? i + 1 : i;
            }
        }

        // Gather.
        float[][] srcMemoryBank = new float[n][];
        float[] srcSize = new float[n];
        float[][][] dstMemoryBank = new float[t - 1][n][];
        float[][] dstSize = new float[t - 1][n];
        for (int j = 0; j < n; j++) {
            srcMemoryBank[j] = memoryBank[srcIndices[j]][j].clone();
            srcSize[j] = compressionSize[srcIndices[j]][j];
            for (int i = 0; i < t - 1; i++) {
                dstMemoryBank[i][j] = memoryBank[dstIndices[i][j]][j].clone();
                dstSize[i][j] = compressionSize[dstIndices[i][j]][j];
            }
        }

        // Multiply the banks by their sizes.
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < c; k++) {
                srcMemoryBank[j][k] *= srcSize[j];
            }
            for (int i = 0; i < t - 1; i++) {
                for (int k = 0; k < c; k++) {
                    dstMemoryBank[i][j][k] *= dstSize[i][j];
                }
            }
        }

        // scatter_add_ the source into the destination at the max index, sizes too.
        for (int j = 0; j < n; j++) {
            int at = maxSimilarityIndices[j];
            for (int k = 0; k < c; k++) {
                dstMemoryBank[at][j][k] += srcMemoryBank[j][k];
            }
            dstSize[at][j] += srcSize[j];
        }

        // Normalize by the sizes.
        for (int i = 0; i < t - 1; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < c; k++) {
                    dstMemoryBank[i][j][k] /= dstSize[i][j];
                }
            }
        }
        return new Bank(dstMemoryBank, dstSize);
    }

    /** As torch: each vector divided by max(its norm, eps), then the dot product, in float. */
    static float cosineSimilarity(float[] x1, float[] x2) {
        float norm1 = 0f;
        float norm2 = 0f;
        for (int k = 0; k < x1.length; k++) {
            norm1 += x1[k] * x1[k];
            norm2 += x2[k] * x2[k];
        }
        norm1 = Math.max((float) Math.sqrt(norm1), EPS);
        norm2 = Math.max((float) Math.sqrt(norm2), EPS);
        float sum = 0f;
        for (int k = 0; k < x1.length; k++) {
            sum += (x1[k] / norm1) * (x2[k] / norm2);
        }
        return sum;
    }
}
