package dev.longwatch.encoder.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.SparseTensorProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * An ONNX model's graph, read and cut down to one token output with the classes generated from
 * ONNX's own {@code onnx.proto} ({@code src/main/proto/onnx}). Fields this class does not touch
 * (metadata, opsets, initializers of the nodes kept, fields of a newer ONNX) are written back as
 * they were read.
 *
 * <p>A model is parsed once, by {@link #parse}; its tensors' bytes are not copied but stay in the
 * array the model was read into (protobuf aliasing), so a model of hundreds of MB costs its size
 * once, not twice.
 */
public final class OnnxGraph {
    /** NCHW to NHWC: {@code [N, C, H, W] -> [N, H, W, C]}. */
    private static final List<Long> CHANNELS_LAST = List.of(0L, 2L, 3L, 1L);
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

    /** One operator: its type and tensor names. */
    public record Node(String opType, List<String> inputs, List<String> outputs) {}

    private final ModelProto model;
    private final List<Node> nodes;

    private OnnxGraph(ModelProto model, List<Node> nodes) {
        this.model = model;
        this.nodes = nodes;
    }

    /**
     * @param modelBytes the model file; the parsed model refers to it (its tensors are not copied),
     *     so the caller must not change it afterwards
     * @throws IllegalArgumentException when the bytes are not an ONNX model with a graph
     */
    public static OnnxGraph parse(byte[] modelBytes) {
        ModelProto model;
        try {
            CodedInputStream input = CodedInputStream.newInstance(modelBytes);
            input.enableAliasing(true);
            model = ModelProto.parseFrom(input);
        } catch (IOException e) { // InvalidProtocolBufferException: the bytes are in memory
            throw new IllegalArgumentException("not an ONNX model (protobuf does not parse): " + e.getMessage(), e);
        }
        if (!model.hasGraph()) {
            throw new IllegalArgumentException("not an ONNX model: expected one graph, found none");
        }
        List<Node> nodes = new ArrayList<>();
        for (NodeProto node : model.getGraph().getNodeList()) {
            nodes.add(new Node(node.getOpType(), List.copyOf(node.getInputList()), List.copyOf(node.getOutputList())));
        }
        return new OnnxGraph(model, List.copyOf(nodes));
    }

    /** Operators in graph order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Names of the graph outputs, in order. */
    public List<String> outputs() {
        return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /** Every tensor some node produces. */
    public Set<String> producedTensors() {
        Set<String> names = new LinkedHashSet<>();
        nodes.forEach(node -> names.addAll(node.outputs()));
        return names;
    }

    /**
     * The last spatial feature map of a CNN classifier: the float tensor that the graph's last
     * global average pool reads. In a quantized model the pool reads an 8-bit tensor, so the
     * {@code DequantizeLinear} of that tensor is preferred when the graph has one.
     */
    public Optional<String> featureMap() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (!node.opType().equals("GlobalAveragePool") && !node.opType().equals("QLinearGlobalAveragePool")) {
                continue;
            }
            String pooled = node.inputs().get(0);
            for (Node other : nodes) {
                if (other.opType().equals("DequantizeLinear") && other.inputs().get(0).equals(pooled)) {
                    return Optional.of(other.outputs().get(0));
                }
            }
            return node.opType().equals("GlobalAveragePool") ? Optional.of(pooled) : Optional.empty();
        }
        return Optional.empty();
    }

    /** Name of the channels-last copy of {@code tensor} that {@link #withTokenOutput} adds. */
    public static String channelsLastName(String tensor) {
        return tensor + "/channels_last";
    }

    /**
     * The model with {@code tensor} as its only graph output, or, with {@code channelsLast}, a
     * {@code Transpose} of that NCHW tensor to NHWC ({@link #channelsLastName}) as the only
     * output. Nodes the output does not depend on are dropped (a classifier's pool and matrix
     * product after a feature map, the last layer after a ViT's penultimate hidden states):
     * ONNX Runtime runs every node of a graph, whichever outputs a run asks for. So are the
     * initializers (weights) only those nodes read: the edited copy does not carry them. The
     * transpose lets a feature map leave the session token by token, so the encoder copies each
     * frame's tokens instead of transposing them in Java; ONNX Runtime, whose quantized
     * convolutions run channels-last already, cancels it against the transpose it had put before
     * that output.
     *
     * @throws IllegalArgumentException when no node produces {@code tensor}
     */
    public byte[] withTokenOutput(String tensor, boolean channelsLast) {
        if (!producedTensors().contains(tensor) && !outputs().contains(tensor)) {
            throw noSuchTensor(tensor);
        }
        GraphProto graph = model.getGraph();
        GraphProto.Builder edited = graph.toBuilder().clearNode().clearOutput();
        boolean[] needed = neededFor(tensor);
        for (int i = 0; i < needed.length; i++) {
            if (needed[i]) {
                edited.addNode(graph.getNode(i));
            }
        }
        String output = tensor;
        if (channelsLast) {
            output = channelsLastName(tensor);
            edited.addNode(transpose(tensor, output));
        }
        edited.addOutput(ValueInfoProto.newBuilder().setName(output));
        if (!hasControlFlow()) {
            dropUnreadInitializers(edited);
        }
        return model.toBuilder().setGraph(edited).build().toByteArray();
    }

    /**
     * Which nodes {@code tensor} depends on, walking back from it (nodes are in topological
     * order). Control flow ({@code If}, {@code Loop}, {@code Scan}) keeps every node: their
     * bodies may read outer tensors their node does not list as inputs.
     */
    private boolean[] neededFor(String tensor) {
        boolean[] needed = new boolean[nodes.size()];
        if (hasControlFlow()) {
            Arrays.fill(needed, true);
            return needed;
        }
        Set<String> wanted = new HashSet<>(Set.of(tensor));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (node.outputs().stream().anyMatch(wanted::contains)) {
                needed[i] = true;
                wanted.addAll(node.inputs());
            }
        }
        return needed;
    }

    private boolean hasControlFlow() {
        return nodes.stream().anyMatch(node -> CONTROL_FLOW.contains(node.opType()));
    }

    /**
     * Removes the initializers no node of {@code graph} reads, and the graph inputs that only
     * named them (models before IR version 4 list every initializer as an input too; left, such an
     * input would have to be fed). Without control flow every read of a tensor is a node input.
     */
    private static void dropUnreadInitializers(GraphProto.Builder graph) {
        Set<String> read = new HashSet<>();
        graph.getNodeList().forEach(node -> read.addAll(node.getInputList()));
        Set<String> dropped = new HashSet<>();
        List<TensorProto> initializers = new ArrayList<>();
        for (TensorProto initializer : graph.getInitializerList()) {
            if (read.contains(initializer.getName())) {
                initializers.add(initializer);
            } else {
                dropped.add(initializer.getName());
            }
        }
        List<SparseTensorProto> sparse = new ArrayList<>();
        for (SparseTensorProto initializer : graph.getSparseInitializerList()) {
            if (read.contains(initializer.getValues().getName())) {
                sparse.add(initializer);
            } else {
                dropped.add(initializer.getValues().getName());
            }
        }
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(input -> !dropped.contains(input.getName()))
                .toList();
        graph.clearInitializer().addAllInitializer(initializers)
                .clearSparseInitializer().addAllSparseInitializer(sparse)
                .clearInput().addAllInput(inputs);
    }

    private static NodeProto transpose(String input, String output) {
        return NodeProto.newBuilder()
                .addInput(input)
                .addOutput(output)
                .setName("longwatch_" + output)
                .setOpType("Transpose")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("perm")
                        .addAllInts(CHANNELS_LAST)
                        .setType(AttributeProto.AttributeType.INTS))
                .build();
    }

    private IllegalArgumentException noSuchTensor(String tensor) {
        List<String> last = nodes.subList(Math.max(0, nodes.size() - 8), nodes.size()).stream()
                .flatMap(n -> n.outputs().stream())
                .toList();
        return new IllegalArgumentException("the model has no tensor named '" + tensor + "'; tensors near the end"
                + " of the graph: " + last
                + featureMap().map(map -> "; the feature map before the global pool is '" + map + "'").orElse(""));
    }
}
