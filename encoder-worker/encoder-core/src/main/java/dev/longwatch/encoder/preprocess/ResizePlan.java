package dev.longwatch.encoder.preprocess;

/**
 * Where a frame of a given size goes: the size it is resized to and the crop window in the
 * resized image.
 */
public record ResizePlan(int resizedWidth, int resizedHeight, int cropX, int cropY, int cropWidth, int cropHeight) {

    /** torchvision's {@code Resize(int)} then {@code CenterCrop}, or a direct resize. */
    public static ResizePlan of(PreprocessSpec spec, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame must have pixels, was " + width + "x" + height);
        }
        if (spec.resizeShorter() == 0) {
            return new ResizePlan(spec.cropWidth(), spec.cropHeight(), 0, 0, spec.cropWidth(), spec.cropHeight());
        }
        int shorter = spec.resizeShorter();
        int resizedWidth;
        int resizedHeight;
        // The longer side is truncated, not rounded: int(size * long / short) in torchvision.
        if (width <= height) {
            resizedWidth = shorter;
            resizedHeight = (int) ((long) shorter * height / width);
        } else {
            resizedHeight = shorter;
            resizedWidth = (int) ((long) shorter * width / height);
        }
        // CenterCrop: int(round((size - crop) / 2)); Python rounds halves to even, as rint does.
        int cropX = (int) Math.rint((resizedWidth - spec.cropWidth()) / 2.0);
        int cropY = (int) Math.rint((resizedHeight - spec.cropHeight()) / 2.0);
        return new ResizePlan(resizedWidth, resizedHeight, cropX, cropY, spec.cropWidth(), spec.cropHeight());
    }
}
