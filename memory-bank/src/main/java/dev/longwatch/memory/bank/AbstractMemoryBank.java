package dev.longwatch.memory.bank;

/**
 * What both granularities share: the configuration, one compressor built from it (it holds no
 * per-stream state), and the guard every append passes first — replays are ignored, and a frame
 * of another shape is refused before anything is read or written.
 */
abstract class AbstractMemoryBank implements MemoryBank {
    protected final BankConfig config;
    protected final LaneCompressor compressor;

    AbstractMemoryBank(BankConfig config) {
        this.config = config;
        this.compressor = new LaneCompressor(config.capacity(), config.allowMergeAcrossGaps());
    }

    @Override
    public final BankConfig config() {
        return config;
    }

    @Override
    public final AppendOutcome append(BankIndex index, BankFrame frame, BankStorage storage) {
        if (!index.isEmpty() && frame.seq() <= index.lastSeq()) {
            return AppendOutcome.ignored(index);
        }
        BankShape.check(index, frame);
        return appendNew(index, frame, storage);
    }

    /** Appends a frame that is newer than the bank and of its shape. */
    abstract AppendOutcome appendNew(BankIndex index, BankFrame frame, BankStorage storage);
}
