package dev.longwatch.encoder.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Just enough of an ONNX model's protobuf to list its tensors and cut it down to one token
 * output, without generated ONNX classes: the model is parsed as an {@link UnknownFieldSet}, which keeps every
 * field it does not look at and writes it back unchanged. Field numbers from onnx.proto:
 * {@code ModelProto.graph = 7}; {@code GraphProto.node = 1, output = 12};
 * {@code NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5};
 * {@code ValueInfoProto.name = 1}; {@code AttributeProto.name = 1, ints = 8, type = 20}.
 */
public final class OnnxGraph {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int VALUE_INFO_NAME = 1;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INTS = 7;
    /** NCHW to NHWC: {@code [N, C, H, W] -> [N, H, W, C]}. */
    private static final long[] CHANNELS_LAST = {0, 2, 3, 1};
    private static final Set<String> CONTROL_FLOW = Set.of("If", "Loop", "Scan");

    /** One operator: its type and tensor names. */
    public record Node(String opType, List<String> inputs, List<String> outputs) {}

    private final UnknownFieldSet model;
    private final UnknownFieldSet graph;
    private final List<Node> nodes;

    private OnnxGraph(UnknownFieldSet model, UnknownFieldSet graph, List<Node> nodes) {
        this.model = model;
        this.graph = graph;
        this.nodes = nodes;
    }

    /** @throws IllegalArgumentException when the bytes are not an ONNX model with a graph */
    public static OnnxGraph parse(byte[] modelBytes) {
        try {
            UnknownFieldSet model = UnknownFieldSet.parseFrom(modelBytes);
            List<ByteString> graphs = model.getField(MODEL_GRAPH).getLengthDelimitedList();
            if (graphs.size() != 1) {
                throw new IllegalArgumentException("not an ONNX model: expected one graph, found " + graphs.size());
            }
            UnknownFieldSet graph = UnknownFieldSet.parseFrom(graphs.get(0));
            List<Node> nodes = new ArrayList<>();
            for (ByteString bytes : graph.getField(GRAPH_NODE).getLengthDelimitedList()) {
                UnknownFieldSet node = UnknownFieldSet.parseFrom(bytes);
                nodes.add(new Node(
                        strings(node, NODE_OP_TYPE).stream().findFirst().orElse(""),
                        strings(node, NODE_INPUT),
                        strings(node, NODE_OUTPUT)));
            }
            return new OnnxGraph(model, graph, List.copyOf(nodes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model (protobuf does not parse): " + e.getMessage(), e);
        }
    }

    /** Operators in graph order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Names of the graph outputs, in order. */
    public List<String> outputs() {
        List<String> names = new ArrayList<>();
        for (ByteString bytes : graph.getField(GRAPH_OUTPUT).getLengthDelimitedList()) {
            try {
                names.addAll(strings(UnknownFieldSet.parseFrom(bytes), VALUE_INFO_NAME));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("malformed graph output: " + e.getMessage(), e);
            }
        }
        return names;
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
     * ONNX Runtime runs every node of a graph, whichever outputs a run asks for. The transpose
     * lets a feature map leave the session token by token, so the encoder copies each frame's
     * tokens instead of transposing them in Java; ONNX Runtime, whose quantized convolutions run
     * channels-last already, cancels it against the transpose it had put before that output.
     *
     * @throws IllegalArgumentException when no node produces {@code tensor}
     */
    public byte[] withTokenOutput(String tensor, boolean channelsLast) {
        if (!producedTensors().contains(tensor) && !outputs().contains(tensor)) {
            throw noSuchTensor(tensor);
        }
        UnknownFieldSet.Builder newGraph = graph.toBuilder().clearField(GRAPH_OUTPUT).clearField(GRAPH_NODE);
        UnknownFieldSet.Field.Builder kept = UnknownFieldSet.Field.newBuilder();
        boolean[] needed = neededFor(tensor);
        List<ByteString> nodeBytes = graph.getField(GRAPH_NODE).getLengthDelimitedList();
        for (int i = 0; i < nodeBytes.size(); i++) {
            if (needed[i]) {
                kept.addLengthDelimited(nodeBytes.get(i));
            }
        }
        newGraph.addField(GRAPH_NODE, kept.build());
        String output = tensor;
        if (channelsLast) {
            output = channelsLastName(tensor);
            newGraph.mergeField(GRAPH_NODE, UnknownFieldSet.Field.newBuilder()
                    .addLengthDelimited(transpose(tensor, output, CHANNELS_LAST))
                    .build());
        }
        newGraph.mergeField(GRAPH_OUTPUT, UnknownFieldSet.Field.newBuilder().addLengthDelimited(valueInfo(output)).build());
        return withGraph(newGraph.build());
    }

    /**
     * Which nodes {@code tensor} depends on, walking back from it (nodes are in topological
     * order). Control flow ({@code If}, {@code Loop}, {@code Scan}) keeps every node: their
     * bodies may read outer tensors their node does not list as inputs.
     */
    private boolean[] neededFor(String tensor) {
        boolean[] needed = new boolean[nodes.size()];
        if (nodes.stream().anyMatch(node -> CONTROL_FLOW.contains(node.opType()))) {
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

    private static ByteString transpose(String input, String output, long[] perm) {
        UnknownFieldSet.Field.Builder ints = UnknownFieldSet.Field.newBuilder();
        for (long axis : perm) {
            ints.addVarint(axis);
        }
        ByteString attribute = UnknownFieldSet.newBuilder()
                .addField(ATTRIBUTE_NAME, text("perm"))
                .addField(ATTRIBUTE_INTS, ints.build())
                .addField(ATTRIBUTE_TYPE, UnknownFieldSet.Field.newBuilder().addVarint(ATTRIBUTE_TYPE_INTS).build())
                .build()
                .toByteString();
        return UnknownFieldSet.newBuilder()
                .addField(NODE_INPUT, text(input))
                .addField(NODE_OUTPUT, text(output))
                .addField(NODE_NAME, text("longwatch_" + output))
                .addField(NODE_OP_TYPE, text("Transpose"))
                .addField(NODE_ATTRIBUTE, UnknownFieldSet.Field.newBuilder().addLengthDelimited(attribute).build())
                .build()
                .toByteString();
    }

    private static ByteString valueInfo(String name) {
        return UnknownFieldSet.newBuilder().addField(VALUE_INFO_NAME, text(name)).build().toByteString();
    }

    private static UnknownFieldSet.Field text(String value) {
        return UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(value)).build();
    }

    /** The model with {@code newGraph} in place of its graph; addField replaces: a model has exactly one graph. */
    private byte[] withGraph(UnknownFieldSet newGraph) {
        return model.toBuilder()
                .addField(MODEL_GRAPH, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(newGraph.toByteString())
                        .build())
                .build()
                .toByteArray();
    }

    private IllegalArgumentException noSuchTensor(String tensor) {
        List<String> last = nodes.subList(Math.max(0, nodes.size() - 8), nodes.size()).stream()
                .flatMap(n -> n.outputs().stream())
                .toList();
        return new IllegalArgumentException("the model has no tensor named '" + tensor + "'; tensors near the end"
                + " of the graph: " + last
                + featureMap().map(map -> "; the feature map before the global pool is '" + map + "'").orElse(""));
    }

    private static List<String> strings(UnknownFieldSet message, int field) {
        return message.getField(field).getLengthDelimitedList().stream()
                .map(ByteString::toStringUtf8)
                .toList();
    }
}
