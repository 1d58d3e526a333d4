package dev.longwatch.encoder.postprocess;

/** How a model's output tensor holds a frame's patch tokens. */
public enum TokenLayout {
    /** A feature map {@code [N, C, H, W]} (CNNs): {@code H·W} tokens of {@code C}. */
    NCHW,
    /** A feature map {@code [N, H, W, C]}: {@code H·W} tokens of {@code C}. */
    NHWC,
    /** A token sequence {@code [N, T, D]} (ViTs: CLIP, SigLIP), possibly led by a CLS token. */
    SEQUENCE;

    /** The usual layout for an output of this rank: 4 → {@link #NCHW}, 3 → {@link #SEQUENCE}. */
    public static TokenLayout byRank(long[] shape) {
        return switch (shape.length) {
            case 4 -> NCHW;
            case 3 -> SEQUENCE;
            default -> throw new IllegalArgumentException(
                    "output of shape " + java.util.Arrays.toString(shape) + " holds no patch tokens; choose a rank-3"
                            + " or rank-4 tensor as the output name");
        };
    }
}
