package dev.longwatch.memory.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.longwatch.schema.TokenCodec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

class HalfStorageTest {

    @Test
    void shouldRoundExactlyAsTokenCodecOverEveryExponent() {
        Random random = new Random(3);
        // Every float exponent, with random mantissas and both signs, plus the rounding edges.
        for (int exponent = 0; exponent < 256; exponent++) {
            for (int k = 0; k < 4000; k++) {
                int mantissa = k < 3 ? new int[] {0, 0x1000, 0x7fffff}[k] : random.nextInt(1 << 23);
                int bits = (random.nextBoolean() ? 0x80000000 : 0) | (exponent << 23) | mantissa;
                float value = Float.intBitsToFloat(bits);
                assertThat(Half.toHalf(value))
                        .as("bits %08x", bits)
                        .isEqualTo(TokenCodec.toHalf(value));
            }
        }
    }

    @Test
    void shouldWidenEveryHalfAsTokenCodec() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] wide = Half.widen(all);
        for (int i = 0; i < all.length; i++) {
            assertThat(Float.floatToRawIntBits(wide[i]))
                    .as("half %04x", i)
                    .isEqualTo(Float.floatToRawIntBits(TokenCodec.fromHalf(all[i])));
        }
    }

    @Test
    void shouldStoreHalvesAndReturnWhatIsStored() {
        InMemoryHalfSlotStore halves = new InMemoryHalfSlotStore();
        TensorStore store = TensorStore.f16(halves);
        float[] stored = store.put(7, new float[] {1f / 3, 65504f, 1e6f, -2.5f});

        assertThat(halves.get(7)).hasSize(4);
        assertThat(store.get(7)).containsExactly(stored);
        assertThat(stored).containsExactly(0.33325195f, 65504f, Float.POSITIVE_INFINITY, -2.5f);
    }

    @Test
    void shouldKeepTheSameSlotsAsFloatStorageWithinHalfPrecision() {
        int tokens = 4;
        int dim = 16;
        RandomFrames source = new RandomFrames(8, tokens, dim); // even seed: scenes with cuts
        MemoryBank bank = MemoryBank.create(BankConfig.frames(6));
        BankStorage f32 = BankStorage.inMemory(StorageDtype.F32);
        BankStorage f16 = BankStorage.inMemory(StorageDtype.F16);
        BankIndex a = BankIndex.empty();
        BankIndex b = BankIndex.empty();
        for (int f = 0; f < 80; f++) {
            BankFrame frame = new BankFrame(f, f * 100L, tokens, dim, source.next(), false);
            a = bank.append(a, frame, f32).index();
            b = bank.append(b, frame, f16).index();
        }
        List<SlotSummary> full = bank.slots(a, f32);
        List<SlotSummary> half = bank.slots(b, f16);

        assertThat(half).hasSameSizeAs(full);
        for (int i = 0; i < full.size(); i++) {
            assertThat(half.get(i).startMs()).isEqualTo(full.get(i).startMs());
            assertThat(half.get(i).endMs()).isEqualTo(full.get(i).endMs());
            float[] x = full.get(i).descriptor();
            float[] y = half.get(i).descriptor();
            for (int d = 0; d < dim; d++) {
                assertThat(y[d]).isCloseTo(x[d], within(5e-3f * Math.max(1f, Math.abs(x[d]))));
            }
        }
    }

    @Test
    void shouldCacheSimilaritiesOfTheStoredHalves() {
        int tokens = 3;
        int dim = 8;
        RandomFrames source = new RandomFrames(5, tokens, dim);
        MemoryBank bank = MemoryBank.create(BankConfig.frames(4));
        BankStorage storage = BankStorage.inMemory(StorageDtype.F16);
        BankIndex index = BankIndex.empty();
        for (int f = 0; f < 30; f++) {
            index =
                    bank.append(
                                    index,
                                    new BankFrame(f, f * 40L, tokens, dim, source.next(), false),
                                    storage)
                            .index();
            Lane lane = index.lanes()[0];
            for (int i = 0; i + 1 < lane.size(); i++) {
                double fresh =
                        VectorMath.meanTokenCosine(
                                storage.tensors().get(lane.ids()[i]),
                                storage.tensors().get(lane.ids()[i + 1]),
                                tokens,
                                dim);
                assertThat(lane.similarities()[i]).as("frame %d pair %d", f, i).isEqualTo(fresh);
            }
        }
    }

    @Test
    void shouldMergeANewFrameFromItsExactValuesWithoutEverStoringIt() {
        int tokens = 2;
        int dim = 5;
        RandomFrames source = new RandomFrames(11, tokens, dim);
        InMemoryHalfSlotStore kept = new InMemoryHalfSlotStore();
        List<Long> written = new java.util.ArrayList<>();
        HalfSlotStore halves =
                new HalfSlotStore() {
                    @Override
                    public short[] get(long key) {
                        return kept.get(key);
                    }

                    @Override
                    public void put(long key, short[] values) {
                        written.add(key);
                        kept.put(key, values);
                    }

                    @Override
                    public void remove(long key) {
                        kept.remove(key);
                    }
                };
        MemoryBank bank = MemoryBank.create(BankConfig.frames(1)); // every frame merges
        BankStorage storage =
                new BankStorage(
                        TensorStore.f16(halves), new InMemorySlotStore(), new InMemoryNormStore());
        BankIndex index =
                bank.append(
                                BankIndex.empty(),
                                new BankFrame(0, 0, tokens, dim, source.next(), false),
                                storage)
                        .index();
        float[] before = storage.tensors().get(0);
        float[] next = source.next();
        index = bank.append(index, new BankFrame(1, 40, tokens, dim, next, false), storage).index();

        assertThat(written).containsExactly(0L, 0L);
        assertThat(index.lanes()[0].ids()).containsExactly(0L);
        float[] merged = storage.tensors().get(0);
        for (int i = 0; i < merged.length; i++) {
            float exact = (before[i] * 1f + next[i] * 1f) / 2f;
            assertThat(merged[i])
                    .as("value %d", i)
                    .isEqualTo(TokenCodec.fromHalf(TokenCodec.toHalf(exact)));
        }
    }

    @Test
    void shouldCacheTheSameSimilaritiesWithOrWithoutANormStore() {
        int tokens = 3;
        int dim = 9;
        RandomFrames source = new RandomFrames(12, tokens, dim);
        for (StorageDtype dtype : StorageDtype.values()) {
            MemoryBank bank = MemoryBank.create(BankConfig.frames(5));
            BankStorage cached = BankStorage.inMemory(dtype);
            BankStorage recomputed =
                    new BankStorage(TensorStore.inMemory(dtype), new InMemorySlotStore());
            BankIndex a = BankIndex.empty();
            BankIndex b = BankIndex.empty();
            for (int f = 0; f < 60; f++) {
                BankFrame frame = new BankFrame(f, f * 40L, tokens, dim, source.next(), false);
                AppendOutcome withNorms = bank.append(a, frame, cached);
                AppendOutcome withoutNorms = bank.append(b, frame, recomputed);
                a = withNorms.index();
                b = withoutNorms.index();
                assertThat(Double.doubleToLongBits(withoutNorms.similarityToPrevious()))
                        .isEqualTo(Double.doubleToLongBits(withNorms.similarityToPrevious()));
                assertThat(b.lanes()[0].similarities()).containsExactly(a.lanes()[0].similarities());
                assertThat(b.lanes()[0].ids()).containsExactly(a.lanes()[0].ids());
            }
        }
    }
}
