package dev.longwatch.memory.strategy;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.MergeRule;
import dev.longwatch.memory.bank.SlotSummary;
import dev.longwatch.memory.bank.StorageDtype;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code mbc}: the memory bank ({@link MemoryBank}) at frame granularity, the job's default: MA-LMM's
 * merge (most similar adjacent pair, count-weighted mean) applied to whole frames, which is this
 * product's rule; {@code mbc-token} is MA-LMM's per-token rule exactly; {@code boundary} merges the
 * weakest boundary ({@link MergeRule#BOUNDARY}), new here. Holds its own index and an in-memory
 * store. At frame granularity every slot is a contiguous span of merged frames.
 */
public final class MemoryBankStrategy implements MemoryStrategy {
    private final MemoryBank bank;
    private final BankStorage storage;
    private final Timeline timeline = new Timeline();
    private BankIndex index = BankIndex.empty();

    public MemoryBankStrategy(int capacity) {
        this(BankConfig.frames(capacity), StorageDtype.F32);
    }

    public MemoryBankStrategy(BankConfig config, StorageDtype dtype) {
        this.bank = MemoryBank.create(config);
        this.storage = BankStorage.inMemory(dtype);
    }

    @Override
    public String name() {
        if (bank.config().granularity() == Granularity.TOKEN) {
            return "mbc-token";
        }
        return bank.config().rule() == MergeRule.BOUNDARY ? "boundary" : "mbc";
    }

    @Override
    public int capacity() {
        return bank.config().capacity();
    }

    @Override
    public void append(StrategyInput frame) {
        timeline.admit(frame);
        BankFrame bankFrame =
                new BankFrame(
                        frame.seq(), frame.ptsMs(), frame.tokens(), frame.dim(), frame.values(),
                        false);
        index = bank.append(index, bankFrame, storage).index();
    }

    @Override
    public List<MemorySlot> slots() {
        if (index.isEmpty()) {
            return List.of();
        }
        return bank.config().granularity() == Granularity.FRAME ? frameSlots() : tokenSlots();
    }

    private List<MemorySlot> frameSlots() {
        Lane lane = index.lanes()[0];
        List<MemorySlot> slots = new ArrayList<>(lane.size());
        for (int i = 0; i < lane.size(); i++) {
            slots.add(
                    new MemorySlot(
                            lane.startMs()[i],
                            lane.endMs()[i],
                            lane.counts()[i],
                            lane.keyframeSeqs()[i],
                            index.tokens(),
                            storage.tensors().get(lane.ids()[i])));
        }
        return slots;
    }

    /**
     * Slot position j of every token lane as one slot: its tokens may come from different frames,
     * so its span runs from the earliest to the latest of them and its keyframe is the frame most
     * of its tokens came from ({@link MemoryBank#slots}).
     */
    private List<MemorySlot> tokenSlots() {
        List<SlotSummary> summaries = bank.slots(index, storage);
        Lane[] lanes = index.lanes();
        int dim = index.dim();
        List<MemorySlot> slots = new ArrayList<>(summaries.size());
        for (int j = 0; j < summaries.size(); j++) {
            float[] values = new float[lanes.length * dim];
            for (int n = 0; n < lanes.length; n++) {
                System.arraycopy(storage.tensors().get(lanes[n].ids()[j]), 0, values, n * dim, dim);
            }
            SlotSummary summary = summaries.get(j);
            slots.add(
                    new MemorySlot(
                            summary.startMs(),
                            summary.endMs(),
                            Math.max(1, summary.frameCount()),
                            summary.keyframeSeq(),
                            lanes.length,
                            values));
        }
        return slots;
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
