package dev.longwatch.memory.bank;

/** Keeps no norms: every read misses, so the bank recomputes them from the tensor. */
enum NoNormStore implements NormStore {
    INSTANCE;

    @Override
    public double[] get(long id) {
        return null;
    }

    @Override
    public void put(long id, double[] norms) {
        // Nothing kept: the norms are derived data and can always be recomputed.
    }

    @Override
    public void remove(long id) {
        // Nothing was kept.
    }
}
