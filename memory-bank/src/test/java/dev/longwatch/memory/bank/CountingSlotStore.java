package dev.longwatch.memory.bank;

/** Counts the operations a bank does on its store, to check it touches only changed slots. */
final class CountingSlotStore implements SlotStore {
    private final InMemorySlotStore delegate = new InMemorySlotStore();
    int gets;
    int puts;
    int removes;

    @Override
    public float[] get(long key) {
        gets++;
        return delegate.get(key);
    }

    @Override
    public void put(long key, float[] vector) {
        puts++;
        delegate.put(key, vector);
    }

    @Override
    public void remove(long key) {
        removes++;
        delegate.remove(key);
    }

    int size() {
        return delegate.size();
    }

    void reset() {
        gets = 0;
        puts = 0;
        removes = 0;
    }
}
