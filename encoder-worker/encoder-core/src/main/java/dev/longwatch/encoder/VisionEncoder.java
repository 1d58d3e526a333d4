package dev.longwatch.encoder;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Turns frames into patch tokens: for each frame a {@code tokens() × dim()} row-major float
 * array, one row per spatial patch. Implementations may hold native resources (a model session,
 * GPU buffers), hence {@link AutoCloseable}; one instance is used by one thread at a time.
 */
public interface VisionEncoder extends AutoCloseable {

    /** Identifies the encoder and its configuration; stored with every embedding. */
    String id();

    /** Patch tokens per frame. */
    int tokens();

    /** Values per token. */
    int dim();

    /** The batch size at which this encoder is most efficient; the worker groups frames so. */
    int preferredBatch();

    /** Encodes a batch; the result has one {@code tokens() * dim()} array per input frame. */
    float[][] encode(List<BufferedImage> frames);

    @Override
    default void close() {}
}
