package dev.longwatch.ingest.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.longwatch.ingest.source.FfmpegFrameSource;
import dev.longwatch.ingest.source.SourceFrame;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticVideoTest {
    @TempDir Path dir;

    @Test
    void shouldWriteTheDefaultClipWithSixScenesOfFiveSeconds() throws Exception {
        SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("default.mp4"));

        assertThat(clip.codec()).isEqualTo("libopenh264");
        assertThat(clip.frames()).isEqualTo(750);
        assertThat(clip.durationMs()).isEqualTo(30_000);
        assertThat(clip.scenes())
                .extracting(SyntheticVideo.Scene::startMs)
                .containsExactly(0L, 5_000L, 10_000L, 15_000L, 20_000L, 25_000L);
        assertThat(clip.scenes().get(5).endMs()).isEqualTo(30_000);
        assertThat(clip.sceneAt(4_999)).isEqualTo(0);
        assertThat(clip.sceneAt(5_000)).isEqualTo(1);

        // Decode it back: every frame is there and each scene shows its own background.
        SyntheticVideo.Options options = SyntheticVideo.Options.defaults();
        List<Color> middleOfScene = new ArrayList<>();
        List<Color> rendered = new ArrayList<>();
        int frames = 0;
        try (FfmpegFrameSource source = FfmpegFrameSource.open(clip.path().toString())) {
            Optional<SourceFrame> f;
            while ((f = source.next()).isPresent()) {
                long pts = f.get().ptsMs();
                if (pts % 5_000 == 2_520) { // mid-scene, away from the moving pattern's start
                    middleOfScene.add(mean(f.get().toImage()));
                    rendered.add(mean(SyntheticVideo.render(options, (int) (pts / 40))));
                }
                frames++;
            }
        }
        assertThat(frames).isEqualTo(750);
        assertThat(middleOfScene).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(distance(middleOfScene.get(i), rendered.get(i)))
                    .as("scene %d decodes to what was drawn", i)
                    .isLessThan(12);
            for (int j = 0; j < i; j++) {
                assertThat(distance(middleOfScene.get(i), middleOfScene.get(j)))
                        .as("scenes %d and %d differ", j, i)
                        .isGreaterThan(60);
            }
        }
    }

    @Test
    void shouldWriteScenesOfUnequalLengthsWhereTheOptionsSay() throws Exception {
        SyntheticVideo.Options options = new SyntheticVideo.Options(List.of(1.0, 0.4, 2.0), 10, 64, 48);
        SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("unequal.mp4"), options);

        assertThat(clip.frames()).isEqualTo(34);
        assertThat(clip.durationMs()).isEqualTo(3_400);
        assertThat(clip.scenes())
                .extracting(SyntheticVideo.Scene::startMs, SyntheticVideo.Scene::endMs)
                .containsExactly(tuple(0L, 1_000L), tuple(1_000L, 1_400L), tuple(1_400L, 3_400L));
        // Each frame is drawn with its own scene's background.
        assertThat(distance(mean(SyntheticVideo.render(options, 9)), mean(SyntheticVideo.render(options, 0)))).isLessThan(12);
        assertThat(distance(mean(SyntheticVideo.render(options, 10)), mean(SyntheticVideo.render(options, 9)))).isGreaterThan(60);
        assertThat(distance(mean(SyntheticVideo.render(options, 14)), mean(SyntheticVideo.render(options, 13)))).isGreaterThan(60);
    }

    @Test
    void shouldRenderTheSameFrameIdentically() {
        SyntheticVideo.Options o = new SyntheticVideo.Options(8, 1, 10, 64, 48);
        for (int i : new int[] {0, 13, 79}) {
            BufferedImage a = SyntheticVideo.render(o, i);
            BufferedImage b = SyntheticVideo.render(o, i);
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    assertThat(a.getRGB(x, y)).isEqualTo(b.getRGB(x, y));
                }
            }
        }
        // Scenes beyond the fixed palette still get distinct backgrounds.
        assertThat(distance(SyntheticVideo.background(6), SyntheticVideo.background(7))).isGreaterThan(60);
    }

    private static Color mean(BufferedImage img) {
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                r += (rgb >> 16) & 0xFF;
                g += (rgb >> 8) & 0xFF;
                b += rgb & 0xFF;
            }
        }
        long n = (long) img.getWidth() * img.getHeight();
        return new Color((int) (r / n), (int) (g / n), (int) (b / n));
    }

    private static double distance(Color a, Color b) {
        int dr = a.getRed() - b.getRed();
        int dg = a.getGreen() - b.getGreen();
        int db = a.getBlue() - b.getBlue();
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
