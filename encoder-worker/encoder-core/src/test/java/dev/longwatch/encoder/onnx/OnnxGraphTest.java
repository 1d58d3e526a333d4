package dev.longwatch.encoder.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
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
    void shouldMakeTheFeatureMapTheOnlyOutputAndDropTheClassifier() throws Exception {
        OnnxGraph original = OnnxGraph.parse(realModel());
        OnnxGraph edited = OnnxGraph.parse(original.withTokenOutput("627", false));
        assertThat(edited.outputs()).containsExactly("627");
        List<OnnxGraph.Node> kept = edited.nodes();
        // the nodes up to the DequantizeLinear that makes 627, in the original order, but the
        // pool that reads 627's quantized input just before it; the classifier after it is gone
        assertThat(kept).isEqualTo(featureMapNodes(original));
        assertThat(original.nodes()).hasSize(kept.size() + 9);
        assertThat(kept).extracting(OnnxGraph.Node::opType)
                .doesNotContain("QLinearGlobalAveragePool", "QLinearMatMul", "Reshape");
    }

    @Test
    void shouldAddAChannelsLastTransposeAsTheOnlyOutput() throws Exception {
        OnnxGraph original = OnnxGraph.parse(realModel());
        OnnxGraph edited = OnnxGraph.parse(original.withTokenOutput("627", true));
        assertThat(edited.outputs()).containsExactly(OnnxGraph.channelsLastName("627"));
        OnnxGraph.Node last = edited.nodes().get(edited.nodes().size() - 1);
        assertThat(last).isEqualTo(new OnnxGraph.Node("Transpose", List.of("627"), List.of("627/channels_last")));
        assertThat(edited.nodes().subList(0, edited.nodes().size() - 1)).isEqualTo(featureMapNodes(original));
    }

    @Test
    void shouldNotCarryTheWeightsOfTheDroppedClassifier() throws Exception {
        // The old editor kept every initializer: the edited copy still held the classifier's
        // 1000 x 1280 weights, which no node read any more (and ONNX Runtime warned about).
        byte[] bytes = realModel();
        GraphProto original = ModelProto.parseFrom(bytes).getGraph();
        GraphProto edited = ModelProto.parseFrom(OnnxGraph.parse(bytes).withTokenOutput("627", true)).getGraph();

        Set<String> read = new HashSet<>();
        edited.getNodeList().forEach(node -> read.addAll(node.getInputList()));
        List<String> readInitializers = original.getInitializerList().stream()
                .map(TensorProto::getName)
                .filter(read::contains)
                .toList();
        assertThat(edited.getInitializerList()).extracting(TensorProto::getName).containsExactlyElementsOf(readInitializers);
        assertThat(original.getInitializerCount()).isGreaterThan(readInitializers.size());
        long droppedBytes = original.getInitializerList().stream()
                .filter(t -> !read.contains(t.getName()))
                .mapToLong(TensorProto::getSerializedSize)
                .sum();
        assertThat(droppedBytes).isGreaterThan(1000L * 1280);
        // what stays is the original's, byte for byte; graph inputs lose only dropped weights
        assertThat(edited.getInitializerList()).allSatisfy(t -> assertThat(original.getInitializerList()).contains(t));
        Set<String> dropped = new HashSet<>(original.getInitializerList().stream().map(TensorProto::getName).toList());
        dropped.removeAll(readInitializers);
        assertThat(edited.getInputList()).extracting(ValueInfoProto::getName)
                .contains("input")
                .containsExactlyElementsOf(original.getInputList().stream()
                        .map(ValueInfoProto::getName)
                        .filter(name -> !dropped.contains(name))
                        .toList());
    }

    @Test
    void shouldKeepEveryNodeOfAGraphWithControlFlow() throws Exception {
        // A body of an If may read tensors its node does not list, so nothing is pruned. Built
        // by hand: an If node (its branches omitted) after an Add nobody lists as an input.
        byte[] model = tinyModel(
                node("Add", List.of("x", "x"), List.of("unused")),
                node("If", List.of("cond"), List.of("y")),
                node("Relu", List.of("x"), List.of("z")));
        OnnxGraph edited = OnnxGraph.parse(OnnxGraph.parse(model).withTokenOutput("z", false));
        assertThat(edited.nodes()).extracting(OnnxGraph.Node::opType).containsExactly("Add", "If", "Relu");
        OnnxGraph plain = OnnxGraph.parse(OnnxGraph.parse(tinyModel(
                        node("Add", List.of("x", "x"), List.of("unused")),
                        node("Relu", List.of("x"), List.of("z"))))
                .withTokenOutput("z", false));
        assertThat(plain.nodes()).extracting(OnnxGraph.Node::opType).containsExactly("Relu");
    }

    @Test
    void shouldRejectATensorNoNodeProduces() throws Exception {
        OnnxGraph original = OnnxGraph.parse(realModel());
        assertThatThrownBy(() -> original.withTokenOutput("nope", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor named 'nope'")
                .hasMessageContaining("the feature map before the global pool is '627'");
    }

    @Test
    void shouldCacheTheEditedModelOnce(@TempDir Path cache) throws Exception {
        byte[] bytes = realModel();
        OnnxGraph graph = OnnxGraph.parse(bytes);
        String modelKey = OnnxModelCache.modelKey(OnnxEncoderTest.MODEL, bytes);
        assertThat(modelKey).matches("mobilenetv2-12-int8-[0-9a-f]{16}");
        Path first = OnnxModelCache.withTokenOutput(modelKey + "-627-tokens-nhwc", graph, "627", true, cache);
        long written = Files.getLastModifiedTime(first).toMillis();
        Path second = OnnxModelCache.withTokenOutput(modelKey + "-627-tokens-nhwc", graph, "627", true, cache);
        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(written);
        Path nchw = OnnxModelCache.withTokenOutput(modelKey + "-627-tokens", graph, "627", false, cache);
        try (var files = Files.list(cache)) {
            assertThat(files).containsExactlyInAnyOrder(first, nchw);
        }
    }

    @Test
    void shouldNameTheTokenGraphOfTheFeatureMapByModelTensorAndEdit(@TempDir Path cache) throws Exception {
        byte[] bytes = realModel();
        TokenGraph graph = TokenGraph.of(dev.longwatch.encoder.EncoderConfig.onnx(OnnxEncoderTest.MODEL).withCacheDir(cache));
        assertThat(graph.key()).isEqualTo(OnnxModelCache.modelKey(OnnxEncoderTest.MODEL, bytes) + "-627-tokens-nhwc");
        assertThat(graph.model()).isEqualTo(cache.resolve(graph.key() + ".onnx"));
        assertThat(graph.output()).isEqualTo("627/channels_last");
        assertThat(graph.layout()).isEqualTo(dev.longwatch.encoder.postprocess.TokenLayout.NHWC);
        // the model's own output needs no edit: the original file, and a key of its own
        TokenGraph logits = TokenGraph.of(dev.longwatch.encoder.EncoderConfig.onnx(OnnxEncoderTest.MODEL)
                .withCacheDir(cache).withOutputName("output"));
        assertThat(logits.model()).isEqualTo(OnnxEncoderTest.MODEL);
        assertThat(logits.key()).isEqualTo(OnnxModelCache.modelKey(OnnxEncoderTest.MODEL, bytes) + "-output");
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

    /** The original nodes 627 depends on: all up to its DequantizeLinear but the pool beside it. */
    private static List<OnnxGraph.Node> featureMapNodes(OnnxGraph original) {
        List<OnnxGraph.Node> nodes = original.nodes();
        int producer = 0;
        while (!nodes.get(producer).outputs().contains("627")) {
            producer++;
        }
        return nodes.subList(0, producer + 1).stream()
                .filter(node -> !node.opType().equals("QLinearGlobalAveragePool"))
                .toList();
    }

    private static NodeProto node(String opType, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().addAllInput(inputs).addAllOutput(outputs).setOpType(opType).build();
    }

    /** A model whose graph has {@code nodes} and an output named "z". */
    private static byte[] tinyModel(NodeProto... nodes) {
        return ModelProto.newBuilder()
                .setGraph(GraphProto.newBuilder()
                        .addAllNode(List.of(nodes))
                        .addOutput(ValueInfoProto.newBuilder().setName("z")))
                .build()
                .toByteArray();
    }

    private static byte[] realModel() throws Exception {
        assumeTrue(Files.isRegularFile(OnnxEncoderTest.MODEL), "model weights not present");
        return Files.readAllBytes(OnnxEncoderTest.MODEL);
    }
}
