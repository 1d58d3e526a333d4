package dev.longwatch.encoder.preprocess;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a frame becomes the model's input tensor: resize, centre crop, scale to [0, 1], subtract
 * {@code mean} and divide by {@code std} per RGB channel, planar (NCHW) floats.
 *
 * @param name short name for logs and encoder ids
 * @param resizeShorter resize so the shorter side has this many pixels (aspect kept, the longer
 *     side truncated as torchvision does) and then centre-crop; {@code 0} resizes straight to the
 *     crop size instead, ignoring the aspect ratio (SigLIP, "direct 224")
 * @param cropWidth width of the model input
 * @param cropHeight height of the model input
 * @param filter resampling kernel
 * @param mean per-channel mean (R, G, B) on the [0, 1] scale
 * @param std per-channel standard deviation (R, G, B) on the [0, 1] scale
 */
public record PreprocessSpec(
        String name,
        int resizeShorter,
        int cropWidth,
        int cropHeight,
        ResizeFilter filter,
        float[] mean,
        float[] std) {

    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    static final float[] HALF = {0.5f, 0.5f, 0.5f};

    public PreprocessSpec {
        if (cropWidth < 1 || cropHeight < 1) {
            throw new IllegalArgumentException("crop must be positive, was " + cropWidth + "x" + cropHeight);
        }
        if (resizeShorter < 0 || (resizeShorter > 0 && (cropWidth > resizeShorter || cropHeight > resizeShorter))) {
            throw new IllegalArgumentException(
                    "crop " + cropWidth + "x" + cropHeight + " does not fit a shorter side of " + resizeShorter);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 channels (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** CLIP (OpenAI): bicubic shorter side to {@code size}, centre crop, CLIP mean and std. */
    public static PreprocessSpec clip(int size) {
        return new PreprocessSpec("clip" + size, size, size, size, ResizeFilter.BICUBIC, CLIP_MEAN, CLIP_STD);
    }

    /** SigLIP: bicubic straight to {@code size × size} (no crop), mean and std 0.5. */
    public static PreprocessSpec siglip(int size) {
        return new PreprocessSpec("siglip" + size, 0, size, size, ResizeFilter.BICUBIC, HALF, HALF);
    }

    /** ImageNet evaluation recipe: bilinear shorter side to 256, centre crop 224, ImageNet mean and std. */
    public static PreprocessSpec imagenet() {
        return new PreprocessSpec("imagenet", 256, 224, 224, ResizeFilter.BILINEAR, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** ImageNet mean and std with a bilinear resize straight to {@code size × size}. */
    public static PreprocessSpec imagenetDirect(int size) {
        return new PreprocessSpec(
                "imagenet-direct" + size, 0, size, size, ResizeFilter.BILINEAR, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * A preset by name: {@code imagenet}, {@code imagenet-direct}, {@code clip}, {@code siglip};
     * {@code size} is the input side (ignored by {@code imagenet}, which is 256/224).
     */
    public static PreprocessSpec byName(String name, int size) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "imagenet" -> imagenet();
            case "imagenet-direct" -> imagenetDirect(size);
            case "clip" -> clip(size);
            case "siglip" -> siglip(size);
            default -> throw new IllegalArgumentException(
                    "unknown preprocessing '" + name + "'; expected imagenet, imagenet-direct, clip or siglip");
        };
    }

    /** Floats per frame in the input tensor. */
    public int floatsPerFrame() {
        return 3 * cropWidth * cropHeight;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }
}
