package dev.longwatch.encoder.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Just enough of an ONNX model's protobuf to list its tensors and add a graph output, without
 * generated ONNX classes: the model is parsed as an {@link UnknownFieldSet}, which keeps every
 * field it does not look at and writes it back unchanged. Field numbers from onnx.proto:
 * {@code ModelProto.graph = 7}; {@code GraphProto.node = 1, output = 12};
 * {@code NodeProto.input = 1, output = 2, op_type = 4}; {@code ValueInfoProto.name = 1}.
 */
public final class OnnxGraph {
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_INFO_NAME = 1;

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

    /**
     * The model with {@code tensor} added as a graph output (name only: ONNX Runtime infers its
     * type and shape). A tensor that already is an output is returned unchanged.
     *
     * @throws IllegalArgumentException when no node produces {@code tensor}
     */
    public byte[] withOutput(String tensor) {
        if (outputs().contains(tensor)) {
            return model.toByteArray();
        }
        if (!producedTensors().contains(tensor)) {
            List<String> last = nodes.subList(Math.max(0, nodes.size() - 8), nodes.size()).stream()
                    .flatMap(n -> n.outputs().stream())
                    .toList();
            throw new IllegalArgumentException("the model has no tensor named '" + tensor + "'; tensors near the end"
                    + " of the graph: " + last
                    + featureMap().map(map -> "; the feature map before the global pool is '" + map + "'").orElse(""));
        }
        ByteString valueInfo = UnknownFieldSet.newBuilder()
                .addField(VALUE_INFO_NAME, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8(tensor))
                        .build())
                .build()
                .toByteString();
        UnknownFieldSet newGraph = graph.toBuilder()
                .mergeField(GRAPH_OUTPUT, UnknownFieldSet.Field.newBuilder().addLengthDelimited(valueInfo).build())
                .build();
        // addField replaces the old graph field: a model has exactly one graph.
        return model.toBuilder()
                .addField(MODEL_GRAPH, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(newGraph.toByteString())
                        .build())
                .build()
                .toByteArray();
    }

    private static List<String> strings(UnknownFieldSet message, int field) {
        return message.getField(field).getLengthDelimitedList().stream()
                .map(ByteString::toStringUtf8)
                .toList();
    }
}
