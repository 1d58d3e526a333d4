/** Research harness (see README.md): cosines and means in double. */
final class Vec {
    static double cos(float[] a, float[] b) { return cos(a, 0, b, 0, a.length); }
    static double cos(float[] a, int ao, float[] b, int bo, int len) {
        double d = 0, p = 0, q = 0;
        for (int i = 0; i < len; i++) { double x = a[ao + i], y = b[bo + i]; d += x * y; p += x * x; q += y * y; }
        return d / (Math.max(Math.sqrt(p), 1e-8) * Math.max(Math.sqrt(q), 1e-8));
    }
    static double meanTokenCos(float[] a, float[] b, int tokens, int dim) {
        double s = 0; for (int t = 0; t < tokens; t++) s += cos(a, t * dim, b, t * dim, dim); return s / tokens;
    }
    /** mean over tokens of cos(a_t - m_t, b_t - m_t); m has tokens*dim values or dim values (shared by all tokens). */
    static double centredMeanTokenCos(float[] a, float[] b, float[] m, int tokens, int dim) {
        double s = 0;
        for (int t = 0; t < tokens; t++) {
            int o = t * dim, mo = m.length == dim ? 0 : o;
            double d = 0, p = 0, q = 0;
            for (int i = 0; i < dim; i++) { double x = a[o + i] - m[mo + i], y = b[o + i] - m[mo + i]; d += x * y; p += x * x; q += y * y; }
            s += d / (Math.max(Math.sqrt(p), 1e-8) * Math.max(Math.sqrt(q), 1e-8));
        }
        return s / tokens;
    }
    static double centredCos(float[] a, float[] b, float[] m) {
        double d = 0, p = 0, q = 0;
        for (int i = 0; i < a.length; i++) { double x = a[i] - m[i], y = b[i] - m[i]; d += x * y; p += x * x; q += y * y; }
        return d / (Math.max(Math.sqrt(p), 1e-8) * Math.max(Math.sqrt(q), 1e-8));
    }
    static double sqDist(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.length; i++) { double d = a[i] - b[i]; s += d * d; } return s; }
    static float[] weighted(float[] a, long na, float[] b, long nb) {
        float fa = na, fb = nb, tot = fa + fb; float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = (a[i] * fa + b[i] * fb) / tot; return o;
    }
    static float[] tokenMean(float[] v, int tokens, int dim) {
        double[] s = new double[dim];
        for (int t = 0; t < tokens; t++) for (int d = 0; d < dim; d++) s[d] += v[t * dim + d];
        float[] m = new float[dim]; for (int d = 0; d < dim; d++) m[d] = (float) (s[d] / tokens); return m;
    }
}
