import dev.longwatch.memory.strategy.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.Supplier;

/**
 * Research harness (see README.md): every candidate rule on the same footage as bench fidelity.
 * Arguments: CACHE SEED ORDERS HOUR_ORDERS RULES(comma list | all) [SECTIONS: whole,hours,alone].
 * 30-minute montages use seeds SEED..SEED+ORDERS-1, 10 h montages SEED+1000...
 */
public class Research {
    static final int M = 20;
    static final long CHAPTER = 600_000;

    record Score(double kept, double keyKept, int scenes, double spanSum, int cuts) {
        Score plus(Score o) { return new Score(kept + o.kept, keyKept + o.keyKept, scenes + o.scenes, spanSum + o.spanSum, cuts + o.cuts); }
        double recall() { return kept / scenes; }
        double keyRecall() { return keyKept / scenes; }
        double span() { return cuts == 0 ? Double.NaN : spanSum / cuts / 1000.0; }
    }

    /** Scenes overlapping [from, to]; cuts = scene starts strictly inside (from, to]. slots: start,end,keyPts. */
    static Score score(List<long[]> slots, List<Data.Scene> scenes, long from, long to) {
        int kept = 0, keyKept = 0, n = 0, cuts = 0; double span = 0;
        for (Data.Scene s : scenes) {
            if (s.end() <= from || s.start() > to) continue;
            n++;
            boolean in = false, key = false;
            for (long[] sl : slots) {
                if (s.start() <= sl[0] && sl[1] < s.end()) in = true;
                if (s.start() <= sl[2] && sl[2] < s.end()) key = true;
            }
            if (in) kept++;
            if (key) keyKept++;
            if (s.start() > from && s.start() <= to && !slots.isEmpty()) {
                long best = Long.MAX_VALUE;
                for (long[] sl : slots) best = Math.min(best, Math.min(Math.abs(s.start() - sl[0]), Math.abs(s.start() - sl[1])));
                span += best; cuts++;
            }
        }
        return new Score(kept, keyKept, n, span, cuts);
    }

    static List<long[]> ofSlots(List<RBank.Slot> slots) { List<long[]> o = new ArrayList<>(); for (RBank.Slot s : slots) o.add(new long[] {s.start, s.end, s.keyPts}); return o; }

    static List<long[]> ofStrategy(MemoryStrategy st, List<Data.Frame> frames) {
        Map<Long, Long> pts = new HashMap<>(); for (Data.Frame f : frames) pts.put(f.seq(), f.pts());
        List<long[]> o = new ArrayList<>();
        for (MemorySlot s : st.slots()) o.add(new long[] {s.startMs(), s.endMs(), pts.get(s.keyframeSeq())});
        return o;
    }

    /** M frames evenly spaced over the frames (np.linspace). */
    static List<long[]> uniform(List<Data.Frame> f) {
        List<long[]> o = new ArrayList<>(); int n = f.size(); if (n == 0) return o;
        int k = Math.min(M, n);
        for (int i = 0; i < k; i++) { int idx = k == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (k - 1)); long p = f.get(idx).pts(); o.add(new long[] {p, p, p}); }
        return o;
    }

    /** M equal spans (by frame count), keyframe in the middle. */
    static List<long[]> equalSpans(List<Data.Frame> f) {
        List<long[]> o = new ArrayList<>(); int n = f.size(); int k = Math.min(M, n);
        for (int i = 0; i < k; i++) { int a = (int) ((long) i * n / k), b = (int) ((long) (i + 1) * n / k) - 1; o.add(new long[] {f.get(a).pts(), f.get(b).pts(), f.get((a + b) / 2).pts()}); }
        return o;
    }

    static final Map<String, Set<Integer>> kept = new TreeMap<>();
    static final Map<String, List<Score>> table = new LinkedHashMap<>();
    static void add(String key, Score s) { table.computeIfAbsent(key, k -> new ArrayList<>()).add(s); }

    public static void main(String[] a) throws Exception {
        Data data = new Data(Path.of(a[0]));
        long seedBase = Long.parseLong(a[1]);
        int orders = Integer.parseInt(a[2]);
        int hourOrders = Integer.parseInt(a[3]);
        Map<String, Supplier<RBank.Rule>> rules = Rules.all(data.tokens, data.dim);
        if (!a[4].equals("all")) { Set<String> keep = new HashSet<>(Arrays.asList(a[4].split(","))); rules.keySet().retainAll(keep); }
        String sections = a.length > 5 ? a[5] : "whole,hours";
        List<Data.Clip> shots = data.shots();
        List<Data.Clip> loopable = shots.stream().filter(s -> s.tok().length >= 3).toList();
        System.err.printf("encoder %s %dx%d, %d shots, %d loopable%n", data.encoderId, data.tokens, data.dim, shots.size(), loopable.size());

        if (sections.contains("whole")) {
            List<Data.Footage> sets = new ArrayList<>();
            for (int k = 0; k < orders; k++) sets.add(Data.montage("30min-" + (seedBase + k), loopable, seedBase + k, 30 * 60_000L, Data.logUniform(20_000, 480_000)));
            sets.add(Data.montage("natural", shots, seedBase, 30 * 60_000L, (r, s) -> s.durationMs()));
            sets.add(data.generatedFootage());
            for (Data.Footage ft : sets) {
                String group = ft.name().startsWith("30min") ? "30min" : ft.name();
                long end = ft.frames().get(ft.frames().size() - 1).pts();
                for (String name : Strategies.NAMES) {
                    MemoryStrategy st = Strategies.create(name, M);
                    for (Data.Frame f : ft.frames()) st.append(new StrategyInput(f.seq(), f.pts(), data.tokens, data.dim, f.v()));
                    kept.computeIfAbsent(name, x -> new TreeSet<>()).add(st.slots().size());
                    add(group + "|" + name + " (lib)", score(ofStrategy(st, ft.frames()), ft.scenes(), Long.MIN_VALUE, Long.MAX_VALUE));
                }
                add(group + "|uniform-offline", score(uniform(ft.frames()), ft.scenes(), Long.MIN_VALUE, Long.MAX_VALUE));
                add(group + "|equal-spans", score(equalSpans(ft.frames()), ft.scenes(), Long.MIN_VALUE, Long.MAX_VALUE));
                for (var r : rules.entrySet()) {
                    List<RBank.Slot> one = RBank.stream(r.getValue(), ft.frames(), M, data.tokens, data.dim, 0);
                    add(group + "|" + r.getKey() + " one bank", score(ofSlots(one), ft.scenes(), Long.MIN_VALUE, Long.MAX_VALUE));
                    List<RBank.Slot> ch = RBank.stream(r.getValue(), ft.frames(), M, data.tokens, data.dim, CHAPTER);
                    add(group + "|" + r.getKey() + " chapters", score(ofSlots(RBank.window(r.getValue().get(), ch, 0, end, M, true)), ft.scenes(), Long.MIN_VALUE, Long.MAX_VALUE));
                }
                System.err.println("done " + ft.name() + " " + ft.frames().size() + " frames " + ft.scenes().size() + " scenes");
            }
        }
        if (sections.contains("hours")) {
            for (int k = 0; k < hourOrders; k++) {
                long seed = seedBase + 1000 + k;
                Data.Footage ft = Data.montage("10h-" + seed, loopable, seed, 10 * 3600_000L, Data.logUniform(20_000, 480_000));
                long end = ft.frames().get(ft.frames().size() - 1).pts();
                Random wr = new Random(seed);
                Map<String, List<long[]>> windows = new LinkedHashMap<>();
                List<long[]> w10 = new ArrayList<>(), w60 = new ArrayList<>();
                for (int i = 0; i < 12; i++) { long f = (long) (wr.nextDouble() * (end - 600_000)); w10.add(new long[] {f, f + 600_000}); }
                for (int i = 0; i < 6; i++) { long f = (long) (wr.nextDouble() * (end - 3600_000)); w60.add(new long[] {f, f + 3600_000}); }
                windows.put("10min", w10); windows.put("1h", w60); windows.put("10h", List.of(new long[] {0, end}));
                for (var w : windows.entrySet()) {
                    Score u = null, e = null;
                    for (long[] win : w.getValue()) {
                        List<Data.Frame> in = Data.window(ft.frames(), win[0], win[1] + 1);
                        u = sum(u, score(uniform(in), ft.scenes(), win[0], win[1]));
                        e = sum(e, score(equalSpans(in), ft.scenes(), win[0], win[1]));
                    }
                    add("w" + w.getKey() + "|uniform", u); add("w" + w.getKey() + "|equal-spans", e);
                }
                for (var r : rules.entrySet()) {
                    long t0 = System.nanoTime();
                    List<RBank.Slot> ch = RBank.stream(r.getValue(), ft.frames(), M, data.tokens, data.dim, CHAPTER);
                    for (var w : windows.entrySet()) {
                        Score s = null, alone = null;
                        for (long[] win : w.getValue()) {
                            // As WindowSlots: chapters sealed (all but the live one): merge; the live bank's slots too.
                            s = sum(s, score(ofSlots(RBank.window(r.getValue().get(), ch, win[0], win[1], M, true)), ft.scenes(), win[0], win[1]));
                            if (!w.getKey().equals("10h") && sections.contains("alone")) {
                                List<Data.Frame> in = Data.window(ft.frames(), win[0], win[1] + 1);
                                alone = sum(alone, score(ofSlots(RBank.stream(r.getValue(), in, M, data.tokens, data.dim, 0)), ft.scenes(), win[0], win[1]));
                            }
                        }
                        add("w" + w.getKey() + "|" + r.getKey() + " chapters", s);
                        if (alone != null) add("w" + w.getKey() + "|" + r.getKey() + " window alone", alone);
                    }
                    System.err.printf("10h %d %s %.1fs%n", seed, r.getKey(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        System.out.println("slots kept by the library strategies: " + kept);
        String last = "";
        for (var e : table.entrySet()) {
            String[] k = e.getKey().split("\\|");
            if (!k[0].equals(last)) { System.out.println("== " + k[0]); last = k[0]; }
            List<Score> l = e.getValue();
            Score pooled = l.stream().reduce(Score::plus).get();
            DoubleSummaryStatistics r = l.stream().mapToDouble(Score::recall).summaryStatistics();
            DoubleSummaryStatistics kr = l.stream().mapToDouble(Score::keyRecall).summaryStatistics();
            DoubleSummaryStatistics sp = l.stream().mapToDouble(Score::span).summaryStatistics();
            System.out.printf("  %-34s recall %.3f [%.2f-%.2f]  key %.3f [%.2f-%.2f]  span %7.1f s [%.0f-%.0f]  (%d scenes)%n", k[1],
                    pooled.recall(), r.getMin(), r.getMax(), pooled.keyRecall(), kr.getMin(), kr.getMax(), pooled.span(), sp.getMin(), sp.getMax(), pooled.scenes());
        }
    }

    static Score sum(Score a, Score b) { return a == null ? b : a.plus(b); }
}
