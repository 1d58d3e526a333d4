import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Research harness (not part of the build; see README.md): the encoded clips of EncodeShots, cut
 * into shots as bench fidelity cuts them, and montages built as bench fidelity's Montage builds
 * them (same seeds, same draws).
 */
final class Data {
    record Clip(String name, long[] pts, float[][] tok, long durationMs, int[] ids) {}
    record Frame(long seq, long pts, float[] v, int id) {}
    record Scene(long start, long end) {}
    record Footage(String name, List<Frame> frames, List<Scene> scenes) {}

    final String encoderId;
    final int tokens, dim;
    final List<Clip> clips = new ArrayList<>();
    final List<Scene> generatedScenes = new ArrayList<>();
    Clip generated;
    final List<float[]> distinct = new ArrayList<>(); // every distinct frame, by id

    /** The cuts of shared-clip-shots.tsv (bench/src/main/resources/dev/longwatch/bench). */
    static final Map<String, long[]> CUTS = Map.of(
            "malmm-example-70s.mp4", ms(0.42, 1.04, 1.38, 1.67, 2.33, 2.5, 4.5, 4.79, 4.83, 4.88, 5.1, 9.5, 18.5, 30.5, 37.0, 42.0, 50.0, 65.25),
            "moviechat-fragment.mp4", ms(1.37, 5.37));

    static long[] ms(double... s) { long[] r = new long[s.length]; for (int i = 0; i < s.length; i++) r[i] = Math.round(s[i] * 1000); return r; }

    Data(Path cache) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
            encoderId = in.readUTF(); tokens = in.readInt(); dim = in.readInt();
            int n = in.readInt();
            for (int c = 0; c < n; c++) {
                String name = in.readUTF(); long dur = in.readLong(); int f = in.readInt();
                long[] pts = new long[f]; float[][] tok = new float[f][]; int[] ids = new int[f];
                for (int i = 0; i < f; i++) {
                    pts[i] = in.readLong(); float[] v = new float[tokens * dim];
                    for (int k = 0; k < v.length; k++) v[k] = in.readFloat();
                    tok[i] = v; ids[i] = distinct.size(); distinct.add(v);
                }
                Clip clip = new Clip(name, pts, tok, dur, ids);
                if (name.equals("scenes.mp4")) generated = clip; else clips.add(clip);
            }
            int s = in.readInt();
            for (int i = 0; i < s; i++) generatedScenes.add(new Scene(in.readLong(), in.readLong()));
        }
    }

    /** As EncodedClip.shots. */
    List<Clip> shots() {
        List<Clip> shots = new ArrayList<>();
        for (Clip clip : clips) {
            long[] cuts = CUTS.getOrDefault(clip.name, new long[0]);
            List<Long> starts = new ArrayList<>(); starts.add(0L); for (long c : cuts) starts.add(c);
            for (int s = 0; s < starts.size(); s++) {
                long from = starts.get(s), to = s + 1 < starts.size() ? starts.get(s + 1) : clip.durationMs;
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < clip.pts.length; i++) if (clip.pts[i] >= from && clip.pts[i] < to) idx.add(i);
                if (idx.isEmpty()) continue;
                long[] pts = new long[idx.size()]; float[][] tok = new float[idx.size()][]; int[] ids = new int[idx.size()];
                for (int k = 0; k < idx.size(); k++) { pts[k] = clip.pts[idx.get(k)] - from; tok[k] = clip.tok[idx.get(k)]; ids[k] = clip.ids[idx.get(k)]; }
                String name = starts.size() == 1 ? clip.name : String.format("%s@%.2fs", clip.name, from / 1000.0);
                shots.add(new Clip(name, pts, tok, Math.max(to - from, pts[pts.length - 1] + 1000), ids));
            }
        }
        return shots;
    }

    interface SceneLength { long millis(Random r, Clip shot); }

    static SceneLength logUniform(long min, long max) {
        double a = Math.log(min), b = Math.log(max);
        return (r, s) -> Math.round(Math.exp(a + r.nextDouble() * (b - a)));
    }

    /** As Montage.build. */
    static Footage montage(String name, List<Clip> shots, long seed, long leastMs, SceneLength len) {
        Random random = new Random(seed);
        List<Frame> frames = new ArrayList<>(); List<Scene> scenes = new ArrayList<>();
        long offset = 0, seq = 0; int previous = -1;
        while (offset < leastMs) {
            int pick = random.nextInt(shots.size() - 1);
            if (previous >= 0 && pick >= previous) pick++;
            Clip shot = shots.get(pick);
            long length = len.millis(random, shot);
            int count = shot.tok.length; boolean back = false;
            for (long loop = 0; loop < length; loop += shot.durationMs, back = !back) {
                for (int i = 0; i < count; i++) {
                    long at = loop + shot.pts[i];
                    if (at >= length) break;
                    int k = back ? count - 1 - i : i;
                    frames.add(new Frame(seq++, offset + at, shot.tok[k], shot.ids[k]));
                }
            }
            scenes.add(new Scene(offset, offset + length));
            offset += length; previous = pick;
        }
        return new Footage(name, frames, scenes);
    }

    Footage generatedFootage() {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < generated.pts.length; i++) frames.add(new Frame(i, generated.pts[i], generated.tok[i], generated.ids[i]));
        return new Footage("generated", frames, generatedScenes);
    }

    /** The frames of footage inside [from, to), seq kept. */
    static List<Frame> window(List<Frame> frames, long from, long to) {
        int lo = lower(frames, from), hi = lower(frames, to);
        return frames.subList(lo, hi);
    }

    static int lower(List<Frame> frames, long pts) {
        int lo = 0, hi = frames.size();
        while (lo < hi) { int m = (lo + hi) >>> 1; if (frames.get(m).pts < pts) lo = m + 1; else hi = m; }
        return lo;
    }
}
