package dev.longwatch.encoder.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {

    @Test
    void shouldFindTheDequantizedFeatureMapOfTheQuantizedMobileNet() throws Exception {
        OnnxGraph graph = OnnxGraph.parse(realModel());
        assertThat(graph.outputs()).containsExactly("output");
        assertThat(graph.featureMap()).contains("627");
        assertThat(graph.nodes()).hasSize(73);
    }

    @Test
    void shouldAddAGraphOutputAndKeepEverythingElse() throws Exception {
        byte[] original = realModel();
        byte[] edited = OnnxGraph.parse(original).withOutput("627");
        OnnxGraph reparsed = OnnxGraph.parse(edited);
        assertThat(reparsed.outputs()).containsExactly("output", "627");
        assertThat(reparsed.nodes()).isEqualTo(OnnxGraph.parse(original).nodes());
        // name-only ValueInfoProto: field 1, length 3, "627", inside field 12 of the graph
        assertThat(edited.length).isBetween(original.length + 7, original.length + 12);
        assertThat(OnnxGraph.parse(edited).withOutput("627")).isEqualTo(edited);
    }

    @Test
    void shouldCacheTheEditedModelOnce(@TempDir Path cache) throws Exception {
        assumeTrue(Files.isRegularFile(OnnxEncoderTest.MODEL));
        Path first = OnnxModelCache.withOutput(OnnxEncoderTest.MODEL, "627", cache);
        long written = Files.getLastModifiedTime(first).toMillis();
        Path second = OnnxModelCache.withOutput(OnnxEncoderTest.MODEL, "627", cache);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(written);
        try (var files = Files.list(cache)) {
            assertThat(files).containsExactly(first);
        }
    }

    @Test
    void shouldRejectBytesThatAreNotAModel() {
        assertThatThrownBy(() -> OnnxGraph.parse(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected one graph");
        assertThatThrownBy(() -> OnnxGraph.parse(new byte[] {0x3a, 0x05, 0x01}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an ONNX model");
    }

    private static byte[] realModel() throws Exception {
        assumeTrue(Files.isRegularFile(OnnxEncoderTest.MODEL), "model weights not present");
        return Files.readAllBytes(OnnxEncoderTest.MODEL);
    }
}
