package dev.longwatch.ingest.image;

/**
 * A JPEG and the size of the picture inside it (after any downscaling).
 *
 * @param bytes the JPEG file
 * @param width pixels
 * @param height pixels
 */
public record EncodedJpeg(byte[] bytes, int width, int height) {}
