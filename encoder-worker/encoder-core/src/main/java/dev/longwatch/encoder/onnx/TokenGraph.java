package dev.longwatch.encoder.onnx;

import dev.longwatch.encoder.EncoderConfig;
import dev.longwatch.encoder.postprocess.TokenLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The graph an encoder session runs to get patch tokens, shared by the ONNX Runtime and TensorRT
 * backends so both run the same graph: which tensor holds the tokens, the model file that has
 * it as its output, and the layout it leaves the session in.
 *
 * <p>A feature map (NCHW) leaves channels-last, through a {@code Transpose} added to the graph
 * ({@link OnnxGraph#withTokenOutput}): the inference runtime writes it token by token, so each
 * frame's tokens are one bulk copy, where transposing {@code 1280 × 49} floats in Java took
 * about 70 µs a frame. A tensor is taken as NCHW when the configuration says so or, by default,
 * when it is the feature map the model's global average pool reads (NCHW by the ONNX spec);
 * any other rank-4 output stays as it is and is transposed in Java.
 *
 * @param model the model file to run: the original, or an edited copy in the cache directory
 * @param output the graph output that holds the tokens
 * @param tensor the model's own tensor the tokens come from (names the encoder)
 * @param layout how {@code output} holds the tokens; {@code null} = by the rank of its shape
 * @param key names what is built from this graph (the edited copy, a TensorRT engine): the
 *     model's {@link OnnxModelCache#modelKey}, the tensor and the edit
 */
public record TokenGraph(Path model, String output, String tensor, TokenLayout layout, String key) {

    /**
     * Resolves {@code config}'s output (its {@code outputName}, else the feature map, else the
     * first graph output) and writes the edited model into {@code config.cacheDir()} when the
     * tensor is not a graph output already or must be made channels-last.
     *
     * @throws IllegalArgumentException for a missing or unreadable model or an unknown tensor
     * @throws java.io.UncheckedIOException when the edited copy cannot be written
     */
    public static TokenGraph of(EncoderConfig config) {
        Path model = config.model();
        if (model == null || !Files.isRegularFile(model)) {
            throw new IllegalArgumentException("ONNX model not found: " + model);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(model);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ONNX model " + model + ": " + e.getMessage(), e);
        }
        OnnxGraph graph = OnnxGraph.parse(bytes);
        Optional<String> featureMap = graph.featureMap();
        String tensor = config.outputName() != null
                ? config.outputName()
                : featureMap.orElseGet(() -> graph.outputs().get(0));
        boolean channelsFirst = config.layout() == TokenLayout.NCHW
                || (config.layout() == null && featureMap.filter(tensor::equals).isPresent());
        String key = OnnxModelCache.modelKey(model, bytes) + "-" + tensor.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!channelsFirst && graph.outputs().contains(tensor)) {
            // Used as it is: no copy of a large model just to drop its other outputs.
            return new TokenGraph(model, tensor, tensor, config.layout(), key);
        }
        key += channelsFirst ? "-tokens-nhwc" : "-tokens";
        Path edited = OnnxModelCache.withTokenOutput(key, graph, tensor, channelsFirst, config.cacheDir());
        return channelsFirst
                ? new TokenGraph(edited, OnnxGraph.channelsLastName(tensor), tensor, TokenLayout.NHWC, key)
                : new TokenGraph(edited, tensor, tensor, config.layout(), key);
    }

    /** The layout of an output of {@code shape}: the resolved one, else by rank. */
    public TokenLayout layoutFor(long[] shape) {
        return layout != null ? layout : TokenLayout.byRank(shape);
    }
}
