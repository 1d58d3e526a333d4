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

    /** The stores as slots of one lane entry: a whole frame, or one token. */
    final SlotTensors entries(BankIndex index, BankStorage storage) {
        return keepsDescriptors()
                ? new SlotTensors(storage, index.tokens(), index.dim(), true)
                : new SlotTensors(storage, 1, index.dim(), false);
    }

    /** Whether each entry is a whole frame that keeps its token mean as a descriptor (FRAME). */
    final boolean keepsDescriptors() {
        return config.granularity() == Granularity.FRAME;
    }

    /** One merge of a lane kept over capacity ({@link #fit}), by this bank's rule. */
    LaneCompressor.Merge shrink(LaneEditor lane, SlotTensors slots) {
        return compressor.shrink(lane, slots);
    }

    /**
     * Whether a lane's cached similarities compare its adjacent slots, and so are recomputed from
     * the slots as stored when a bank is {@linkplain #adopt adopted}; false for a rule whose
     * similarities describe frames the slots no longer hold (they are kept as they were).
     */
    boolean similaritiesCompareSlots() {
        return true;
    }

    /** Moves what the rule keeps beside the slots from {@code kept} on {@link #adopt}; nothing here. */
    void adoptBeside(TensorStore kept, SlotTensors slots) {}

    @Override
    public final BankIndex fit(BankIndex index, BankStorage storage) {
        if (index.size() <= config.capacity()) {
            return index;
        }
        SlotTensors slots = entries(index, storage);
        Lane[] lanes = new Lane[index.lanes().length];
        for (int n = 0; n < lanes.length; n++) {
            LaneEditor lane = new LaneEditor(index.lanes()[n], index.size() + 1);
            while (lane.size > config.capacity()) {
                LaneCompressor.Merge merge = shrink(lane, slots);
                if (keepsDescriptors()) {
                    storage.descriptors().put(merge.keptId(), descriptor(merge.merged(), slots));
                    storage.descriptors().remove(merge.removedId());
                }
            }
            lanes[n] = lane.toLane();
        }
        return new BankIndex(
                index.tokens(),
                index.dim(),
                index.nextId(),
                index.framesSeen(),
                index.lastSeq(),
                lanes);
    }

    @Override
    public final BankIndex adopt(BankIndex index, TensorStore kept, BankStorage storage) {
        if (index.isEmpty()) {
            return index;
        }
        SlotTensors slots = entries(index, storage);
        int length = slots.tokens() * slots.dim();
        Lane[] lanes = new Lane[index.lanes().length];
        for (int n = 0; n < lanes.length; n++) {
            Lane lane = index.lanes()[n];
            boolean recompute = similaritiesCompareSlots();
            double[] similarities =
                    recompute ? new double[Math.max(lane.size() - 1, 0)] : lane.similarities().clone();
            SlotTensor previous = null;
            for (int i = 0; i < lane.size(); i++) {
                long id = lane.ids()[i];
                float[] values = kept.get(id);
                if (values == null || values.length != length) {
                    throw new IllegalStateException(
                            "slot "
                                    + id
                                    + " of the bank index has "
                                    + (values == null ? "no tensor" : values.length + " values")
                                    + " in the store it is adopted from, "
                                    + length
                                    + " expected");
                }
                SlotTensor stored = slots.store(id, slots.arriving(values, 0));
                if (keepsDescriptors()) {
                    storage.descriptors().put(id, descriptor(stored, slots));
                }
                if (recompute && previous != null) {
                    similarities[i - 1] = slots.similarity(previous, stored);
                }
                previous = stored;
            }
            lanes[n] =
                    new Lane(
                            lane.ids(),
                            lane.counts(),
                            lane.startMs(),
                            lane.endMs(),
                            lane.keyframeSeqs(),
                            lane.gapBefore(),
                            similarities);
        }
        adoptBeside(kept, slots);
        return new BankIndex(
                index.tokens(),
                index.dim(),
                index.nextId(),
                index.framesSeen(),
                index.lastSeq(),
                lanes);
    }

    private static float[] descriptor(SlotTensor slot, SlotTensors slots) {
        return SlotMath.tokenMean(slot, slots.tokens(), slots.dim());
    }
}
