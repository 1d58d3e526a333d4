package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.memory.bank.reference.MaLmmReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

/**
 * A bank restored under other terms than it was kept with: another capacity ({@link
 * MemoryBank#fit}), or tensors in another store ({@link MemoryBank#adopt}, the Flink job's move
 * from F32 to binary16 state).
 */
class RestoredBankTest {
    private static final int TOKENS = 3;
    private static final int DIM = 8;

    private static BankFrame frame(long seq, float[] values) {
        return new BankFrame(seq, seq * 100, TOKENS, DIM, values, false);
    }

    /**
     * A bank of 10 restored with capacity 6 merges four times, as MA-LMM's {@code
     * memory_bank_compress} does four times on the same ten entries.
     */
    @ParameterizedTest
    @EnumSource(Granularity.class)
    void shouldMergeABankKeptWithMoreSlotsDownByItsOwnRule(Granularity granularity) {
        boolean sync = granularity == Granularity.FRAME;
        RandomFrames frames = new RandomFrames(12, TOKENS, DIM);
        MemoryBank wide = MemoryBank.create(new BankConfig(10, granularity, false));
        BankStorage storage = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        MaLmmReference.Bank reference = MaLmmReference.Bank.empty();
        for (int seq = 0; seq < 25; seq++) {
            float[] values = frames.next();
            index = wide.append(index, frame(seq, values), storage).index();
            reference = MaLmmReference.append(reference, frames.asTokens(values), 10, sync);
        }

        MemoryBank narrow = MemoryBank.create(new BankConfig(6, granularity, false));
        BankIndex fitted = narrow.fit(index, storage);
        for (int k = 0; k < 4; k++) {
            reference = MaLmmReference.compress(reference.memory(), reference.sizes(), sync);
        }

        assertThat(fitted.size()).isEqualTo(6);
        assertThat(fitted.framesSeen()).isEqualTo(25);
        for (int n = 0; n < TOKENS; n++) {
            Lane lane = sync ? fitted.lanes()[0] : fitted.lanes()[n];
            for (int i = 0; i < 6; i++) {
                assertThat(lane.counts()[i]).isEqualTo((long) reference.sizes()[i][n]);
                float[] stored = storage.tensors().get(lane.ids()[i]);
                float[] actual = sync ? Arrays.copyOfRange(stored, n * DIM, (n + 1) * DIM) : stored;
                for (int k = 0; k < DIM; k++) {
                    assertThat(actual[k]).isCloseTo(reference.memory()[i][n][k], within(1e-5f));
                }
            }
        }
        assertSimilaritiesDescribeTheStore(fitted, storage, granularity);
        if (sync) {
            assertThat(((InMemorySlotStore) storage.descriptors()).size()).isEqualTo(6);
        }
        assertThat(narrow.append(fitted, frame(25, frames.next()), storage).index().size())
                .isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void shouldGrowABankKeptWithFewerSlotsIntoTheNewCapacity(Granularity granularity) {
        RandomFrames frames = new RandomFrames(5, TOKENS, DIM);
        MemoryBank small = MemoryBank.create(new BankConfig(3, granularity, false));
        BankStorage storage = BankStorage.inMemory(StorageDtype.F16);
        BankIndex index = BankIndex.empty();
        for (int seq = 0; seq < 8; seq++) {
            index = small.append(index, frame(seq, frames.next()), storage).index();
        }

        MemoryBank large = MemoryBank.create(new BankConfig(5, granularity, false));
        assertThat(large.fit(index, storage)).isSameAs(index);
        for (int seq = 8; seq < 10; seq++) {
            AppendOutcome outcome = large.append(index, frame(seq, frames.next()), storage);
            assertThat(outcome.compressed()).isFalse();
            index = outcome.index();
        }
        assertThat(index.size()).isEqualTo(5);
        assertThat(large.append(index, frame(10, frames.next()), storage).compressed()).isTrue();
    }

    /**
     * F32 tensors adopted into binary16 storage: every value rounded once, and the norms,
     * descriptors and cached similarities those of the stored values, so the bank goes on as any
     * binary16 bank does.
     */
    @ParameterizedTest
    @EnumSource(Granularity.class)
    void shouldAdoptF32TensorsIntoHalfStorageAsIfTheyHadBeenStoredThere(Granularity granularity) {
        boolean frameMode = granularity == Granularity.FRAME;
        RandomFrames frames = new RandomFrames(22, TOKENS, DIM);
        MemoryBank bank = MemoryBank.create(new BankConfig(5, granularity, false));
        BankStorage f32 = BankStorage.inMemory(StorageDtype.F32);
        BankIndex index = BankIndex.empty();
        for (int seq = 0; seq < 30; seq++) {
            index = bank.append(index, frame(seq, frames.next()), f32).index();
        }

        BankStorage f16 = BankStorage.inMemory(StorageDtype.F16);
        BankIndex adopted = bank.adopt(index, f32.tensors(), f16);

        for (int n = 0; n < adopted.lanes().length; n++) {
            Lane lane = adopted.lanes()[n];
            assertThat(lane.ids()).isEqualTo(index.lanes()[n].ids());
            assertThat(lane.counts()).isEqualTo(index.lanes()[n].counts());
            for (long id : lane.ids()) {
                float[] kept = f32.tensors().get(id);
                float[] stored = f16.tensors().get(id);
                for (int k = 0; k < kept.length; k++) {
                    assertThat(stored[k]).isEqualTo(Half.WIDE[Half.toHalf(kept[k]) & 0xffff]);
                }
                int tokens = frameMode ? TOKENS : 1;
                assertThat(f16.norms().get(id))
                        .isEqualTo(SlotMath.norms(SlotTensor.ofFloats(stored, null), tokens, DIM));
                if (frameMode) {
                    assertThat(f16.descriptors().get(id))
                            .isEqualTo(VectorMath.tokenMean(stored, TOKENS, DIM));
                }
            }
        }
        assertSimilaritiesDescribeTheStore(adopted, f16, granularity);
        for (int seq = 30; seq < 45; seq++) {
            adopted = bank.append(adopted, frame(seq, frames.next()), f16).index();
        }
        assertSimilaritiesDescribeTheStore(adopted, f16, granularity);
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void shouldAdoptIntoTheSameTypeWithoutChangingABit(Granularity granularity) {
        RandomFrames frames = new RandomFrames(9, TOKENS, DIM);
        MemoryBank bank = MemoryBank.create(new BankConfig(4, granularity, false));
        BankStorage kept = BankStorage.inMemory(StorageDtype.F16);
        BankIndex index = BankIndex.empty();
        for (int seq = 0; seq < 20; seq++) {
            index = bank.append(index, frame(seq, frames.next()), kept).index();
        }
        BankStorage moved = BankStorage.inMemory(StorageDtype.F16);
        BankIndex adopted = bank.adopt(index, kept.tensors(), moved);

        for (int n = 0; n < index.lanes().length; n++) {
            assertThat(adopted.lanes()[n].similarities())
                    .isEqualTo(index.lanes()[n].similarities());
            for (long id : index.lanes()[n].ids()) {
                assertThat(moved.tensors().get(id)).isEqualTo(kept.tensors().get(id));
                assertThat(moved.norms().get(id)).isEqualTo(kept.norms().get(id));
                assertThat(moved.descriptors().get(id)).isEqualTo(kept.descriptors().get(id));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void shouldRefuseToAdoptFromAStoreThatLacksASlot(Granularity granularity) {
        RandomFrames frames = new RandomFrames(3, TOKENS, DIM);
        MemoryBank bank = MemoryBank.create(new BankConfig(4, granularity, false));
        BankStorage kept = BankStorage.inMemory();
        BankIndex index = BankIndex.empty();
        for (int seq = 0; seq < 6; seq++) {
            index = bank.append(index, frame(seq, frames.next()), kept).index();
        }
        long missing = index.lanes()[0].ids()[2];
        kept.tensors().remove(missing);
        BankIndex restored = index;

        assertThatThrownBy(() -> bank.adopt(restored, kept.tensors(), BankStorage.inMemory(StorageDtype.F16)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slot " + missing);
    }

    /** Every cached similarity is the mean token cosine of the stored values, to the last bit. */
    private static void assertSimilaritiesDescribeTheStore(
            BankIndex index, BankStorage storage, Granularity granularity) {
        int tokens = granularity == Granularity.FRAME ? TOKENS : 1;
        for (Lane lane : index.lanes()) {
            for (int i = 0; i + 1 < lane.size(); i++) {
                float[] a = storage.tensors().get(lane.ids()[i]);
                float[] b = storage.tensors().get(lane.ids()[i + 1]);
                assertThat(lane.similarities()[i])
                        .as("pair %d", i)
                        .isEqualTo(VectorMath.meanTokenCosine(a, b, tokens, DIM));
            }
        }
    }
}
