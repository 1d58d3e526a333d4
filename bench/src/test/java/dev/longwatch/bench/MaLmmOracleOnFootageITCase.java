package dev.longwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.EncoderFactory;
import dev.longwatch.encoder.VisionEncoder;
import dev.longwatch.memory.bank.BankConfig;
import dev.longwatch.memory.bank.BankFrame;
import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.BankStorage;
import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.MemoryBank;
import dev.longwatch.memory.bank.StorageDtype;
import dev.longwatch.memory.bank.reference.MaLmmOracle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bank against the plain port of MA-LMM's {@code memory_bank_compress} on real inputs:
 * MobileNetV2's 49 x 1280 feature maps of three shared clips, one frame a second, step by step, in
 * both granularities and both storage types (F16 is what the Flink job keeps). memory-bank's
 * {@code MaLmmOracleTest} does the same on seeded streams. Real features are sparse (ReLU6: most
 * channels are 0), so many token lanes tie exactly; both sides pick the lowest index on a tie, as
 * {@code torch.max} does. {@link MaLmmOracle} holds every value and cached similarity within the
 * bound it derives, and follows the bank's pick only where it is a near tie by that bound.
 */
class MaLmmOracleOnFootageITCase {
    private static final Path SHARED = Path.of(System.getProperty("longwatch.shared", "../shared"));
    private static final List<String> CLIPS =
            List.of("videollama-boat.mp4", "videollama-skateboarding_dog.mp4", "moviechat-fragment.mp4");

    private static final List<float[]> FRAMES = new ArrayList<>();
    private static int tokens;
    private static int dim;

    @BeforeAll
    static void encodeTheClips() throws Exception {
        EncoderConfig config = EncoderConfig.onnx(SHARED.resolve("data/models/mobilenetv2-12-int8.onnx").toAbsolutePath());
        try (VisionEncoder encoder = EncoderFactory.create(config, new SimpleMeterRegistry())) {
            for (String clip : CLIPS) {
                FRAMES.addAll(EncodedClip.encode(SHARED.resolve("data/video").resolve(clip), encoder, 1.0).tokens());
            }
            tokens = encoder.tokens();
            dim = encoder.dim();
        }
        assertThat(FRAMES).hasSize(7 + 15 + 9);
    }

    @ParameterizedTest(name = "{0}, {1}, {2} slots")
    @CsvSource({
        "FRAME, F32, 4", "FRAME, F32, 10", "TOKEN, F32, 4", "TOKEN, F32, 10",
        "FRAME, F16, 4", "FRAME, F16, 10", "TOKEN, F16, 4", "TOKEN, F16, 10"
    })
    void shouldBeMaLmmOnRealFeaturesWithinTheDerivedBound(Granularity granularity, StorageDtype dtype, int capacity) {
        BankConfig config = new BankConfig(capacity, granularity, false);
        MemoryBank bank = MemoryBank.create(config);
        BankStorage storage = BankStorage.inMemory(dtype);
        BankIndex index = BankIndex.empty();
        MaLmmOracle oracle = new MaLmmOracle(config, dtype);
        for (int step = 0; step < FRAMES.size(); step++) {
            BankFrame frame = new BankFrame(step, step * 1000L, tokens, dim, FRAMES.get(step), false);
            index = bank.append(index, frame, storage).index();
            oracle.step(frame, index, storage);
        }
        System.out.printf("MaLmmOracleOnFootageITCase %s %s %d slots: %s%n", granularity, dtype, capacity, oracle.tally());
        int lanes = granularity == Granularity.FRAME ? 1 : tokens;
        assertThat(oracle.tally().laneMerges).isEqualTo((long) lanes * (FRAMES.size() - capacity));
    }
}
