import java.util.*;
import java.util.function.Supplier;
import java.util.List;

/** Research harness (see README.md): every candidate merge rule tried, by name. */
final class Rules {
    /** Running mean of every frame so far: per token x dim, or per dim when perDim. */
    static final class RunningMean {
        final boolean perDim; double[] sum; long n; float[] mean; int tokens, dim;
        RunningMean(boolean perDim, int tokens, int dim) { this.perDim = perDim; this.tokens = tokens; this.dim = dim; sum = new double[perDim ? dim : tokens * dim]; mean = new float[sum.length]; }
        void add(float[] f) {
            if (perDim) { for (int t = 0; t < tokens; t++) for (int d = 0; d < dim; d++) sum[d] += f[t * dim + d] / (double) tokens; }
            else for (int i = 0; i < f.length; i++) sum[i] += f[i];
            n++;
            for (int i = 0; i < sum.length; i++) mean[i] = (float) (sum[i] / n);
        }
        float[] descMean() { if (perDim) return mean; return Vec.tokenMean(mean, tokens, dim); }
    }

    static Map<String, Supplier<RBank.Rule>> all(int tokens, int dim) {
        Map<String, Supplier<RBank.Rule>> m = new LinkedHashMap<>();
        m.put("mbc", () -> new RBank.Rule() {
            public String name() { return "mbc"; }
            public double score(RBank.Slot a, RBank.Slot b) { return Vec.meanTokenCos(a.mean, b.mean, tokens, dim); }
        });
        m.put("mbc/wcentred", () -> new RBank.Rule() {
            public String name() { return "mbc/wcentred"; }
            public double score(RBank.Slot a, RBank.Slot b) { return Vec.meanTokenCos(a.mean, b.mean, tokens, dim); }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return Vec.centredCos(a.desc, b.desc, wm); }
        });
        for (boolean perDim : new boolean[] {false, true}) {
            String n = perDim ? "centred-dim" : "centred";
            m.put(n, () -> new RBank.Rule() {
                final RunningMean mu = new RunningMean(perDim, tokens, dim);
                public String name() { return n; }
                public void observe(float[] f) { mu.add(f); }
                public double score(RBank.Slot a, RBank.Slot b) { return Vec.centredMeanTokenCos(a.mean, b.mean, mu.mean, tokens, dim); }
                public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return Vec.centredCos(a.desc, b.desc, wm); }
            });
        }
        m.put("ward", () -> new RBank.Rule() {
            public String name() { return "ward"; }
            public double score(RBank.Slot a, RBank.Slot b) { return -(a.n * (double) b.n / (a.n + b.n)) * Vec.sqDist(a.mean, b.mean); }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return -(a.n * (double) b.n / (a.n + b.n)) * Vec.sqDist(a.desc, b.desc); }
        });
        m.put("boundary", () -> new RBank.Rule() {
            public String name() { return "boundary"; }
            public double boundary(float[] x, float[] y) { return Vec.meanTokenCos(x, y, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("boundary-desc", () -> new RBank.Rule() {
            public String name() { return "boundary-desc"; }
            public double boundary(float[] x, float[] y) { return Vec.cos(Vec.tokenMean(x, tokens, dim), Vec.tokenMean(y, tokens, dim)); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("boundary-centred", () -> new RBank.Rule() {
            final RunningMean mu = new RunningMean(false, tokens, dim);
            public String name() { return "boundary-centred"; }
            public void observe(float[] f) { mu.add(f); }
            public double boundary(float[] x, float[] y) { return Vec.centredMeanTokenCos(x, y, mu.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("arrival", () -> new RBank.Rule() {
            public String name() { return "arrival"; }
            public double arrival(RBank.Slot last, RBank.Slot s) { return Vec.meanTokenCos(last.mean, s.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("arrival-centred-dim", () -> new RBank.Rule() {
            final RunningMean mu = new RunningMean(true, tokens, dim);
            public String name() { return "arrival-centred-dim"; }
            public void observe(float[] f) { mu.add(f); }
            public double arrival(RBank.Slot last, RBank.Slot s) { return Vec.centredMeanTokenCos(last.mean, s.mean, mu.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("boundary-centred-dim", () -> new RBank.Rule() {
            final RunningMean mu = new RunningMean(true, tokens, dim);
            public String name() { return "boundary-centred-dim"; }
            public void observe(float[] f) { mu.add(f); }
            public double boundary(float[] x, float[] y) { return Vec.centredMeanTokenCos(x, y, mu.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        // mbc's bank, the window merged by the slots' arrival boundaries
        m.put("mbc/warrival", () -> new RBank.Rule() {
            public String name() { return "mbc/warrival"; }
            public double arrival(RBank.Slot last, RBank.Slot s) { return Vec.meanTokenCos(last.mean, s.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return Vec.meanTokenCos(a.mean, b.mean, tokens, dim); }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        m.put("centred-dim/warrival", () -> new RBank.Rule() {
            final RunningMean mu = new RunningMean(true, tokens, dim);
            public String name() { return "centred-dim/warrival"; }
            public void observe(float[] f) { mu.add(f); }
            public double arrival(RBank.Slot last, RBank.Slot s) { return Vec.centredMeanTokenCos(last.mean, s.mean, mu.mean, tokens, dim); }
            public double score(RBank.Slot a, RBank.Slot b) { return Vec.centredMeanTokenCos(a.mean, b.mean, mu.mean, tokens, dim); }
            public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
        });
        for (int[] k : new int[][] {{2, 2}, {4, 1}, {4, 4}, {8, 8}}) {
            String n = "boundary-" + k[0] + "/" + k[1];
            m.put(n, () -> new WindowedBoundary(n, k[0], k[1], tokens, dim));
        }
        return m;
    }

    /** Offline: frame i's score = sim(mean of the kb frames before i, mean of the ka frames from i). */
    static final class WindowedBoundary implements RBank.Rule {
        final String name; final int kb, ka, tokens, dim; double[] scores;
        WindowedBoundary(String name, int kb, int ka, int tokens, int dim) { this.name = name; this.kb = kb; this.ka = ka; this.tokens = tokens; this.dim = dim; }
        public String name() { return name; }
        public void prepare(List<Data.Frame> frames) {
            int n = frames.size(), len = tokens * dim;
            // prefix sums would be n*len doubles: too big; slide instead.
            scores = new double[n];
            double[] before = new double[len], after = new double[len];
            int nb = 0, na = 0;
            for (int j = 0; j < Math.min(n, ka); j++) { add(after, frames.get(j).v(), 1); na++; }
            for (int i = 0; i < n; i++) {
                scores[i] = nb == 0 ? Double.NaN : meanTokenCos(before, after);
                // slide: frame i leaves "after" and joins "before"
                add(after, frames.get(i).v(), -1); na--;
                if (i + ka < n) { add(after, frames.get(i + ka).v(), 1); na++; }
                add(before, frames.get(i).v(), 1); nb++;
                if (nb > kb) { add(before, frames.get(i - kb).v(), -1); nb--; }
            }
        }
        static void add(double[] s, float[] v, int sign) { for (int i = 0; i < v.length; i++) s[i] += sign * v[i]; }
        double meanTokenCos(double[] a, double[] b) {
            double s = 0;
            for (int t = 0; t < tokens; t++) {
                double d = 0, p = 0, q = 0;
                for (int i = t * dim; i < (t + 1) * dim; i++) { d += a[i] * b[i]; p += a[i] * a[i]; q += b[i] * b[i]; }
                s += d / (Math.max(Math.sqrt(p), 1e-8) * Math.max(Math.sqrt(q), 1e-8));
            }
            return s / tokens;
        }
        public double boundaryOf(int i) { return scores[i]; }
        public double score(RBank.Slot a, RBank.Slot b) { return b.startBoundary; }
        public double windowScore(RBank.Slot a, RBank.Slot b, float[] wm) { return b.startBoundary; }
    }
}
