import java.util.*;

/**
 * Research harness (see README.md): a plain frame-granularity bank with a pluggable pair score,
 * chapters and the window merge, for trying merge rules before any of them is product code. Its
 * "mbc" rule gives the same slots as the product's bank (checked against Strategies' mbc).
 */
final class RBank {
    static final class Slot {
        float[] mean; long n; long start, end, key, keyPts;
        float[] first, last; // frame tensors at the slot's edges (shared, never written)
        double startBoundary = Double.NaN; // rule's boundary similarity of first frame to the frame before it
        float[] desc; // token mean, filled at seal/summary
        Slot copy() { Slot s = new Slot(); s.mean = mean; s.n = n; s.start = start; s.end = end; s.key = key; s.keyPts = keyPts; s.first = first; s.last = last; s.startBoundary = startBoundary; s.desc = desc; return s; }
    }

    /** A merge rule: higher score merges first. One instance per stream (it may keep stream state). */
    interface Rule {
        String name();
        default void observe(float[] frame) {}
        /** Similarity of the frame before a boundary and the frame after it (kept on the right slot). */
        default double boundary(float[] before, float[] after) { return Double.NaN; }
        double score(Slot a, Slot b);
        /** Score of two window summaries (descriptors); window = every candidate slot. */
        default double windowScore(Slot a, Slot b, float[] windowMean) { return Vec.cos(a.desc, b.desc); }
        default void merged(Slot into, Slot a, Slot b) {}
        /** Offline rules see the whole footage first (research upper bounds only). */
        default void prepare(List<Data.Frame> frames) {}
        /** Boundary score of frame i (its similarity to what came before), when the rule computes it per frame; NaN = use boundary(). */
        default double boundaryOf(int i) { return Double.NaN; }
        /** Boundary score of a new entry against the bank's last entry when it arrives; NaN = none. */
        default double arrival(Slot last, Slot fresh) { return Double.NaN; }
    }

    final Rule rule; final int M; final int tokens, dim;
    final List<Slot> slots = new ArrayList<>();
    final List<Double> scores = new ArrayList<>();

    RBank(Rule rule, int M, int tokens, int dim) { this.rule = rule; this.M = M; this.tokens = tokens; this.dim = dim; }

    /** The sealed chapter's last entry, for the first arrival of a fresh chapter bank. */
    Slot before;

    void append(Slot s) {
        Slot last = slots.isEmpty() ? before : slots.get(slots.size() - 1);
        if (last != null) {
            double arrival = rule.arrival(last, s);
            if (!Double.isNaN(arrival)) s.startBoundary = arrival;
        }
        if (!slots.isEmpty()) scores.add(rule.score(slots.get(slots.size() - 1), s));
        slots.add(s);
        if (slots.size() <= M) return;
        int best = 0;
        for (int i = 1; i < scores.size(); i++) if (scores.get(i) > scores.get(best)) best = i;
        Slot merged = merge(slots.get(best), slots.get(best + 1));
        slots.set(best, merged); slots.remove(best + 1); scores.remove(best);
        if (best > 0) scores.set(best - 1, rule.score(slots.get(best - 1), merged));
        if (best < scores.size()) scores.set(best, rule.score(merged, slots.get(best + 1)));
    }

    Slot merge(Slot a, Slot b) {
        Slot m = new Slot();
        m.mean = Vec.weighted(a.mean, a.n, b.mean, b.n);
        m.n = a.n + b.n; m.start = a.start; m.end = b.end;
        boolean left = a.n >= b.n; m.key = left ? a.key : b.key; m.keyPts = left ? a.keyPts : b.keyPts;
        m.first = a.first; m.last = b.last; m.startBoundary = a.startBoundary;
        rule.merged(m, a, b);
        return m;
    }

    List<Slot> summaries() {
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots) { Slot c = s.copy(); if (c.desc == null) c.desc = Vec.tokenMean(c.mean, tokens, dim); out.add(c); }
        return out;
    }

    /** A whole stream through chapters (chapterMs <= 0: one bank). Returns sealed + live slots in order. */
    static List<Slot> stream(java.util.function.Supplier<Rule> rules, List<Data.Frame> frames, int M, int tokens, int dim, long chapterMs) {
        Rule rule = rules.get();
        rule.prepare(frames);
        List<Slot> out = new ArrayList<>();
        RBank live = new RBank(rule, M, tokens, dim);
        long first = frames.get(0).pts(); long chapter = 0;
        float[] prev = null;
        int index = 0;
        for (Data.Frame f : frames) {
            if (chapterMs > 0) {
                long c = Math.floorDiv(f.pts() - first, chapterMs);
                if (c > chapter) { out.addAll(live.summaries()); Slot lastSlot = live.slots.get(live.slots.size() - 1); live = new RBank(rule, M, tokens, dim); live.before = lastSlot; chapter = c; }
            }
            rule.observe(f.v());
            Slot s = new Slot();
            s.mean = f.v(); s.n = 1; s.start = s.end = f.pts(); s.key = f.seq(); s.keyPts = f.pts(); s.first = s.last = f.v();
            double pre = rule.boundaryOf(index++);
            if (prev != null) s.startBoundary = Double.isNaN(pre) ? rule.boundary(prev, f.v()) : pre;
            live.append(s);
            prev = f.v();
        }
        out.addAll(live.summaries());
        return out;
    }

    /** The query service's window step: the candidate slots merged down to M by the rule's window score. */
    static List<Slot> window(Rule rule, List<Slot> all, long from, long to, int M, boolean merge) {
        List<Slot> c = new ArrayList<>();
        for (Slot s : all) if (s.end >= from && s.start <= to) c.add(s.copy());
        if (!merge) return c;
        float[] mean = windowMean(c);
        List<Double> sc = new ArrayList<>();
        for (int i = 0; i + 1 < c.size(); i++) sc.add(rule.windowScore(c.get(i), c.get(i + 1), mean));
        while (c.size() > M) {
            int best = 0;
            for (int i = 1; i < sc.size(); i++) if (sc.get(i) > sc.get(best)) best = i;
            Slot a = c.get(best), b = c.get(best + 1);
            Slot m = new Slot();
            m.n = a.n + b.n; m.start = a.start; m.end = b.end;
            boolean left = a.n >= b.n; m.key = left ? a.key : b.key; m.keyPts = left ? a.keyPts : b.keyPts;
            m.startBoundary = a.startBoundary; m.first = a.first; m.last = b.last;
            m.desc = Vec.weighted(a.desc, a.n, b.desc, b.n);
            c.set(best, m); c.remove(best + 1); sc.remove(best);
            if (best > 0) sc.set(best - 1, rule.windowScore(c.get(best - 1), m, mean));
            if (best < sc.size()) sc.set(best, rule.windowScore(m, c.get(best + 1), mean));
        }
        return c;
    }

    static float[] windowMean(List<Slot> c) {
        if (c.isEmpty()) return null;
        double[] sum = new double[c.get(0).desc.length]; long n = 0;
        for (Slot s : c) { for (int i = 0; i < sum.length; i++) sum[i] += s.desc[i] * (double) s.n; n += s.n; }
        float[] m = new float[sum.length]; for (int i = 0; i < m.length; i++) m[i] = (float) (sum[i] / n);
        return m;
    }
}
