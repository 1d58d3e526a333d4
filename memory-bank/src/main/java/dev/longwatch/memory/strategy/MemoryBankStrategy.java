package dev.longwatch.memory.strategy;

import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.StorageDtype;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code mbc}: MA-LMM's memory bank compression at frame granularity ({@link MemoryBank}), holding
 * its own index and an in-memory store. Every slot is a contiguous span of merged frames.
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
        return "mbc";
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
        List<MemorySlot> slots = new ArrayList<>(index.size());
        for (Lane lane : index.lanes()) {
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
        }
        return slots;
    }

    @Override
    public long framesSeen() {
        return timeline.framesSeen();
    }
}
