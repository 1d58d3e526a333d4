import dev.longwatch.encoder.*;
import dev.longwatch.ingest.sample.FrameSampler;
import dev.longwatch.ingest.source.*;
import dev.longwatch.ingest.synthetic.SyntheticVideo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Research harness (see README.md): encodes the shared clips (whole clips, 1 fps) and bench
 * fidelity's generated video (16 scenes, seed 20261122) into one file for Research.
 * Arguments: builtin|onnx OUT [CLIPS_DIR [MODEL]].
 */
public class EncodeShots {
    public static void main(String[] a) throws Exception {
        String enc = a[0];
        Path out = Path.of(a[1]);
        Path clips = Path.of(a.length > 2 ? a[2] : "../shared/data/video");
        Path model = Path.of(a.length > 3 ? a[3] : "../shared/data/models/mobilenetv2-12-int8.onnx");
        EncoderConfig config = enc.equals("builtin") ? EncoderConfig.builtin(8) : EncoderConfig.onnx(model.toAbsolutePath());
        try (VisionEncoder encoder = EncoderFactory.create(config, new SimpleMeterRegistry());
             DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out)))) {
            o.writeUTF(encoder.id()); o.writeInt(encoder.tokens()); o.writeInt(encoder.dim());
            List<Path> files = new ArrayList<>();
            try (var s = Files.list(clips)) { s.filter(p -> p.toString().endsWith(".mp4")).sorted().forEach(files::add); }
            // generated video: 16 scenes, seed 20261122, 3-60 s log-uniform, as the bench does
            Random random = new Random(20261122L);
            List<Double> lengths = new ArrayList<>();
            double lmin = Math.log(3000), lmax = Math.log(60000);
            for (int s = 0; s < 16; s++) lengths.add(Math.rint(Math.round(Math.exp(lmin + random.nextDouble() * (lmax - lmin))) / 1000.0));
            Path dir = Files.createTempDirectory("lwr-gen");
            SyntheticVideo.Clip clip = SyntheticVideo.write(dir.resolve("scenes.mp4"), new SyntheticVideo.Options(lengths, 10, 320, 240));
            files.add(clip.path());
            o.writeInt(files.size());
            for (Path f : files) {
                List<Long> pts = new ArrayList<>(); List<float[]> tok = new ArrayList<>();
                FrameSampler sampler = new FrameSampler(1.0);
                long last = 0;
                try (FfmpegFrameSource src = FfmpegFrameSource.open(f.toString())) {
                    Optional<SourceFrame> fr;
                    while ((fr = src.next()).isPresent()) {
                        long p = fr.get().ptsMs(); last = p;
                        if (sampler.accept(p)) { tok.add(encoder.encode(List.of(fr.get().toImage()))[0]); pts.add(p); }
                    }
                }
                String name = f.getFileName().toString();
                o.writeUTF(name); o.writeLong(last + 1000); o.writeInt(pts.size());
                for (int i = 0; i < pts.size(); i++) { o.writeLong(pts.get(i)); float[] v = tok.get(i); for (float x : v) o.writeFloat(x); }
                System.err.println(name + " " + pts.size() + " frames");
            }
            o.writeInt(clip.scenes().size());
            for (var s : clip.scenes()) { o.writeLong(s.startMs()); o.writeLong(s.endMs()); }
        }
    }
}
