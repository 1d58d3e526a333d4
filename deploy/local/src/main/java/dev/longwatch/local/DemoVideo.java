package dev.longwatch.local;

import dev.longwatch.ingest.synthetic.SyntheticVideo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** The demo's default input: a generated video of distinct scenes with known boundaries. */
final class DemoVideo {
    private DemoVideo() {}

    static Path generate(Path dir, PrintStream progress) throws IOException {
        SyntheticVideo.Options options = new SyntheticVideo.Options(8, 5.0, 25, 320, 240);
        SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("demo-scenes.mp4"), options);
        StringBuilder scenes = new StringBuilder();
        for (SyntheticVideo.Scene scene : clip.scenes()) {
            scenes.append(String.format(Locale.ROOT, " [%.0fs-%.0fs]", scene.startMs() / 1000.0, scene.endMs() / 1000.0));
        }
        progress.printf(
                Locale.ROOT,
                "demo: generated %s (%s, %d scenes:%s)%n",
                clip.path().getFileName(),
                clip.codec(),
                clip.scenes().size(),
                scenes);
        return clip.path();
    }
}
