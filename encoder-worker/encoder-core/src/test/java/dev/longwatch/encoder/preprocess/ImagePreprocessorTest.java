package dev.longwatch.encoder.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Golden values computed by hand for tiny images. */
class ImagePreprocessorTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    @Test
    void shouldPlanTorchvisionsShorterSideResizeAndCentreCrop() {
        // 640x360 -> shorter side 256: width int(256 * 640 / 360) = 455; crop x round(115.5) = 116.
        assertThat(ResizePlan.of(PreprocessSpec.imagenet(), 640, 360)).isEqualTo(new ResizePlan(455, 256, 116, 16, 224, 224));
        assertThat(ResizePlan.of(PreprocessSpec.imagenet(), 360, 640)).isEqualTo(new ResizePlan(256, 455, 16, 116, 224, 224));
        // Python rounds half to even: (453 - 224) / 2 = 114.5 -> 114.
        assertThat(ResizePlan.of(PreprocessSpec.imagenet(), 453, 256).cropX()).isEqualTo(114);
        assertThat(ResizePlan.of(PreprocessSpec.clip(224), 640, 360)).isEqualTo(new ResizePlan(398, 224, 87, 0, 224, 224));
        assertThat(ResizePlan.of(PreprocessSpec.siglip(384), 640, 360)).isEqualTo(new ResizePlan(384, 384, 0, 0, 384, 384));
    }

    @Test
    void shouldCropTheCentreAndWritePlanarChannels() {
        // 4x2 image, shorter side already 2: no resize, crop columns 1..2. Pixel (x, y) has
        // R = 10x + y, G = 100 + 10x + y, B = 200 + 10x + y; mean 0 and std 1 leave v / 255.
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                int v = 10 * x + y;
                image.setRGB(x, y, v << 16 | (100 + v) << 8 | (200 + v));
            }
        }
        PreprocessSpec spec = new PreprocessSpec("t", 2, 2, 2, ResizeFilter.BILINEAR, ZERO, ONE);
        float[] out = new ImagePreprocessor(spec).toNchw(image);
        float[] expected = {
            10, 20, 11, 21, // R plane, rows y = 0, 1 of columns x = 1, 2
            110, 120, 111, 121, // G
            210, 220, 211, 221 // B
        };
        for (int i = 0; i < expected.length; i++) {
            expected[i] /= 255f;
        }
        assertThat(out).containsExactly(expected, within(1e-6f));
    }

    @Test
    void shouldAntialiasADownscaleAsWorkedOutByHand() {
        // 4x4, R = 40x (constant down each column): halving gives columns
        // (3·0 + 3·40 + 1·80) / 7 = 200/7 and (1·40 + 3·80 + 3·120) / 7 = 640/7; G = B = 0.
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, (40 * x) << 16);
            }
        }
        PreprocessSpec spec = new PreprocessSpec("t", 0, 2, 2, ResizeFilter.BILINEAR, ZERO, ONE);
        float[] out = new ImagePreprocessor(spec).toNchw(image);
        float left = 200f / 7 / 255;
        float right = 640f / 7 / 255;
        assertThat(out).containsExactly(new float[] {left, right, left, right, 0, 0, 0, 0, 0, 0, 0, 0}, within(1e-6f));
    }

    @Test
    void shouldNormaliseWithTheImagenetMeanAndStd() {
        BufferedImage image = flat(300, 200, 255, 0, 128);
        float[] out = new ImagePreprocessor(PreprocessSpec.imagenet()).toNchw(image);
        int plane = 224 * 224;
        assertThat(out).hasSize(3 * plane);
        // (1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128/255 - 0.406) / 0.225
        assertThat(out[0]).isCloseTo(2.2489083f, within(1e-4f));
        assertThat(out[plane - 1]).isCloseTo(2.2489083f, within(1e-4f));
        assertThat(out[plane]).isCloseTo(-2.0357143f, within(1e-4f));
        assertThat(out[2 * plane + 12345]).isCloseTo(0.4264924f, within(1e-4f));
    }

    @Test
    void shouldNormaliseWithTheClipAndSiglipStatistics() {
        BufferedImage image = flat(50, 40, 255, 255, 255);
        float[] clip = new ImagePreprocessor(PreprocessSpec.clip(16)).toNchw(image);
        assertThat(clip[0]).isCloseTo((1 - 0.48145466f) / 0.26862954f, within(1e-4f));
        float[] siglip = new ImagePreprocessor(PreprocessSpec.siglip(16)).toNchw(flat(50, 40, 0, 0, 0));
        assertThat(siglip).containsOnly(-1f);
    }

    @Test
    void shouldKeepBicubicOvershootInsideThePixelRange() {
        // A hard black/white edge upscaled bicubically rings above 255 and below 0 before clamping.
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0);
        image.setRGB(1, 0, 0);
        image.setRGB(2, 0, 0xffffff);
        image.setRGB(3, 0, 0xffffff);
        PreprocessSpec spec = new PreprocessSpec("t", 0, 16, 4, ResizeFilter.BICUBIC, ZERO, ONE);
        float[] out = new ImagePreprocessor(spec).toNchw(image);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : out) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isZero();
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void shouldWriteTheSameValuesWhenAFrameIsSplitIntoRowBands() {
        BufferedImage image = new BufferedImage(97, 61, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 61; y++) {
            for (int x = 0; x < 97; x++) {
                image.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.clip(32));
        float[] whole = preprocessor.toNchw(image);
        float[] banded = new float[whole.length];
        preprocessor.writeNchw(image, banded, 0, 0, 11);
        preprocessor.writeNchw(image, banded, 0, 11, 32);
        assertThat(banded).containsExactly(whole);
    }

    @Test
    void shouldWriteIntoADirectBufferExactlyWhatItWritesIntoAnArray() {
        BufferedImage image = noise(97, 61, 11);
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.clip(32));
        float[] whole = preprocessor.toNchw(image);
        int offset = 5;
        java.nio.FloatBuffer buffer = java.nio.ByteBuffer.allocateDirect((whole.length + 2 * offset) * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder())
                .asFloatBuffer();
        preprocessor.writeNchw(image, buffer, offset, 0, 20);
        preprocessor.writeNchw(image, buffer, offset, 20, 32);
        float[] written = new float[whole.length];
        buffer.get(offset, written);
        assertThat(written).containsExactly(whole);
        assertThat(buffer.get(0)).isZero();
        assertThat(buffer.get(offset + whole.length)).isZero();
        assertThat(buffer.position()).isZero();
    }

    @Test
    void shouldMatchAPlainTwoDimensionalResampleUpToTheImageBorders() {
        // Small images make the taps of the outer columns run into the border, where CropTaps pads
        // them with zero weights; compare with the textbook double sum over ResampleWeights.
        PreprocessSpec[] specs = {
            PreprocessSpec.imagenetDirect(16), PreprocessSpec.clip(8), PreprocessSpec.siglip(12),
            new PreprocessSpec("up", 0, 23, 19, ResizeFilter.BICUBIC, ZERO, ONE)
        };
        int[][] sizes = {{9, 7}, {40, 11}, {5, 30}, {64, 48}};
        for (PreprocessSpec spec : specs) {
            for (int[] size : sizes) {
                BufferedImage image = noise(size[0], size[1], size[0] * 31 + size[1]);
                float[] actual = new ImagePreprocessor(spec).toNchw(image);
                float[] expected = plainResample(image, spec);
                assertThat(actual).as("%s on %dx%d", spec.name(), size[0], size[1]).containsExactly(expected, within(2e-4f));
            }
        }
    }

    @Test
    void shouldReadAnyImageLayoutLikeTheFastPaths() {
        BufferedImage bgr = new BufferedImage(40, 30, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage gray = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_565_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int rgb = (x * 6) << 16 | (y * 8) << 8 | 0x80; // representable in 565 after rounding down
                gray.setRGB(x, y, rgb);
                bgr.setRGB(x, y, gray.getRGB(x, y));
            }
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.imagenetDirect(16));
        assertThat(preprocessor.toNchw(gray)).containsExactly(preprocessor.toNchw(bgr), within(1e-5f));
    }

    @Test
    void shouldMatchThePlainResampleWhereThePaddedTapsRunPastANarrowImage() {
        // Tap counts are padded to a multiple of three (CropTaps.GROUP); on images narrower than
        // that the padded taps address columns past the image, which must only get zero weights.
        PreprocessSpec[] specs = {
            PreprocessSpec.imagenetDirect(7), PreprocessSpec.siglip(5),
            new PreprocessSpec("up", 0, 13, 9, ResizeFilter.BICUBIC, ZERO, ONE)
        };
        int[][] sizes = {{1, 1}, {1, 9}, {2, 3}, {4, 2}, {5, 1}};
        ImagePreprocessor[] preprocessors = new ImagePreprocessor[specs.length];
        for (int round = 0; round < 2; round++) { // the second round reuses this thread's scratch rows
            for (int s = 0; s < specs.length; s++) {
                preprocessors[s] = preprocessors[s] != null ? preprocessors[s] : new ImagePreprocessor(specs[s]);
                for (int[] size : sizes) {
                    BufferedImage image = noise(size[0], size[1], size[0] * 17 + size[1] + round);
                    assertThat(preprocessors[s].toNchw(image))
                            .as("%s on %dx%d", specs[s].name(), size[0], size[1])
                            .containsExactly(plainResample(image, specs[s]), within(2e-4f));
                }
            }
        }
    }

    @Test
    void shouldReadBgrRastersBitForBitLikeAnyOtherLayout() {
        // The 3-byte BGR raster is read in place; every other type goes through getRGB. The same
        // pixels must give the same floats, whatever the size: odd, tiny, smaller than the crop.
        PreprocessSpec[] specs = {PreprocessSpec.imagenet(), PreprocessSpec.clip(32), PreprocessSpec.siglip(12)};
        int[][] sizes = {{640, 360}, {97, 61}, {1, 1}, {3, 250}, {100, 50}, {225, 223}};
        int[] otherTypes = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR};
        for (PreprocessSpec spec : specs) {
            ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
            for (int[] size : sizes) {
                BufferedImage bgr = noise(size[0], size[1], size[0] * 7 + size[1]);
                float[] expected = preprocessor.toNchw(bgr);
                for (int type : otherTypes) {
                    BufferedImage other = new BufferedImage(size[0], size[1], type);
                    other.getGraphics().drawImage(bgr, 0, 0, null);
                    assertThat(preprocessor.toNchw(other))
                            .as("%s on %dx%d of type %d", spec.name(), size[0], size[1], type)
                            .containsExactly(expected);
                }
            }
        }
    }

    @Test
    void shouldRejectACropLargerThanTheResize() {
        assertThatThrownBy(() -> new PreprocessSpec("t", 200, 224, 224, ResizeFilter.BILINEAR, ZERO, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> PreprocessSpec.byName("vgg", 224)).hasMessageContaining("expected imagenet");
    }

    /** Resize, crop and normalise as one double sum per output pixel, straight from the definition. */
    private static float[] plainResample(BufferedImage image, PreprocessSpec spec) {
        ResizePlan plan = ResizePlan.of(spec, image.getWidth(), image.getHeight());
        ResampleWeights horizontal = ResampleWeights.of(image.getWidth(), plan.resizedWidth(), spec.filter());
        ResampleWeights vertical = ResampleWeights.of(image.getHeight(), plan.resizedHeight(), spec.filter());
        float[] mean = spec.mean();
        float[] std = spec.std();
        int plane = plan.cropWidth() * plan.cropHeight();
        float[] out = new float[3 * plane];
        for (int y = 0; y < plan.cropHeight(); y++) {
            int oy = plan.cropY() + y;
            for (int x = 0; x < plan.cropWidth(); x++) {
                int ox = plan.cropX() + x;
                // Pillow's two passes: each source row resampled horizontally and clamped to
                // [0, 255] (its 8-bit intermediate), then the vertical taps over those rows.
                double[] rgb = new double[3];
                for (int ky = 0; ky < vertical.taps()[oy]; ky++) {
                    double[] across = new double[3];
                    for (int kx = 0; kx < horizontal.taps()[ox]; kx++) {
                        int pixel = image.getRGB(horizontal.first()[ox] + kx, vertical.first()[oy] + ky);
                        double w = horizontal.weight(ox, kx);
                        across[0] += w * ((pixel >> 16) & 0xff);
                        across[1] += w * ((pixel >> 8) & 0xff);
                        across[2] += w * (pixel & 0xff);
                    }
                    for (int c = 0; c < 3; c++) {
                        rgb[c] += vertical.weight(oy, ky) * Math.max(0, Math.min(255, across[c]));
                    }
                }
                for (int c = 0; c < 3; c++) {
                    double v = Math.max(0, Math.min(255, rgb[c]));
                    out[c * plane + y * plan.cropWidth() + x] = (float) ((v / 255 - mean[c]) / std[c]);
                }
            }
        }
        return out;
    }

    private static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        return image;
    }

    private static BufferedImage flat(int width, int height, int r, int g, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }
}
