package dev.longwatch.encoder.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineIoTest {
    private static final PreprocessSpec SPEC = PreprocessSpec.imagenet();
    private static final EngineIo.TensorSpec INPUT =
            new EngineIo.TensorSpec("input", true, new long[] {-1, 3, 224, 224}, "kFLOAT");
    private static final EngineIo.TensorSpec FEATURES =
            new EngineIo.TensorSpec("627", false, new long[] {-1, 1280, 7, 7}, "kFLOAT");
    private static final EngineIo.TensorSpec LOGITS =
            new EngineIo.TensorSpec("output", false, new long[] {-1, 1000}, "kFLOAT");

    @Test
    void shouldBindTheImageInputAndTheChosenOutput() {
        assertThat(EngineIo.check(List.of(INPUT, LOGITS, FEATURES), "627", SPEC, 16))
                .isEqualTo(new EngineIo.Binding("input", "627"));
    }

    @Test
    void shouldRejectAnInputThatThePreprocessingDoesNotProduce() {
        EngineIo.TensorSpec clipInput = new EngineIo.TensorSpec("pixel_values", true, new long[] {-1, 3, 336, 336}, "kFLOAT");
        assertThatThrownBy(() -> EngineIo.check(List.of(clipInput, FEATURES), "627", SPEC, 16))
                .hasMessageContaining("does not take preprocessing 'imagenet'");
        EngineIo.TensorSpec halfInput = new EngineIo.TensorSpec("input", true, new long[] {-1, 3, 224, 224}, "kHALF");
        assertThatThrownBy(() -> EngineIo.check(List.of(halfInput, FEATURES), "627", SPEC, 16))
                .hasMessageContaining("kHALF");
    }

    @Test
    void shouldRejectAFixedBatchBelowTheConfiguredMaximum() {
        EngineIo.TensorSpec fixed = new EngineIo.TensorSpec("input", true, new long[] {1, 3, 224, 224}, "kFLOAT");
        assertThatThrownBy(() -> EngineIo.check(List.of(fixed, FEATURES), "627", SPEC, 16))
                .hasMessageContaining("fixed batch of 1")
                .hasMessageContaining("rebuild it with a dynamic batch");
    }

    @Test
    void shouldNameTheTensorsWhenTheOutputIsMissingOrUnusable() {
        assertThatThrownBy(() -> EngineIo.check(List.of(INPUT, LOGITS), "627", SPEC, 16))
                .hasMessageContaining("no output '627'")
                .hasMessageContaining("output output[-1, 1000] kFLOAT");
        assertThatThrownBy(() -> EngineIo.check(List.of(INPUT, LOGITS), "output", SPEC, 16))
                .hasMessageContaining("rank 3 or 4");
    }

    @Test
    void shouldShapeTheDynamicBatchProfileAndTheBuffers() {
        long[][] profile = EngineIo.profile(8, 16, SPEC);
        assertThat(profile[0]).containsExactly(1, 3, 224, 224);
        assertThat(profile[1]).containsExactly(8, 3, 224, 224);
        assertThat(profile[2]).containsExactly(16, 3, 224, 224);
        assertThat(EngineIo.floatBytes(new long[] {16, 1280, 7, 7})).isEqualTo(16L * 1280 * 49 * 4);
        assertThatThrownBy(() -> EngineIo.floatBytes(new long[] {-1, 1280})).hasMessageContaining("unresolved");
        assertThatThrownBy(() -> EngineIo.profile(32, 16, SPEC)).hasMessageContaining("outside 1..16");
    }
}
