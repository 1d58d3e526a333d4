package dev.longwatch.encoder.tensorrt;

import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The engine's input and output tensors, checked once at startup against what the encoder
 * feeds and reads. Pure Java: the native session lists the tensors, this class judges them.
 */
final class EngineIo {
    /** One I/O tensor as the engine declares it; {@code -1} marks a dynamic dimension. */
    record TensorSpec(String name, boolean input, long[] dims, String dataType) {
        @Override
        public String toString() {
            return (input ? "input " : "output ") + name + Arrays.toString(dims) + " " + dataType;
        }
    }

    /** The pair the encoder binds: the image input and the token output. */
    record Binding(String input, String output) {}

    private EngineIo() {}

    /**
     * @throws IllegalArgumentException unless there is exactly one {@code [N, 3, H, W]} float
     *     input matching {@code spec} with a dynamic or large enough batch, and a float output
     *     named {@code output} with a batch dimension
     */
    static Binding check(List<TensorSpec> tensors, String output, PreprocessSpec spec, int maxBatch) {
        List<TensorSpec> inputs = tensors.stream().filter(TensorSpec::input).toList();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the engine must have exactly one input, has " + inputs);
        }
        TensorSpec in = inputs.get(0);
        long[] d = in.dims();
        boolean shapeOk = d.length == 4 && d[1] == 3
                && (d[2] < 0 || d[2] == spec.cropHeight())
                && (d[3] < 0 || d[3] == spec.cropWidth());
        if (!shapeOk || !in.dataType().equals("kFLOAT")) {
            throw new IllegalArgumentException("engine " + in + " does not take preprocessing '" + spec.name()
                    + "' ([N, 3, " + spec.cropHeight() + ", " + spec.cropWidth() + "] kFLOAT)");
        }
        if (d[0] >= 0 && d[0] < maxBatch) {
            throw new IllegalArgumentException("engine " + in + " has a fixed batch of " + d[0]
                    + ", below the configured maxBatch " + maxBatch + "; rebuild it with a dynamic batch");
        }
        TensorSpec out = tensors.stream()
                .filter(t -> !t.input() && t.name().equals(output))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "the engine has no output '" + output + "'; it has " + tensors));
        if (!out.dataType().equals("kFLOAT") || out.dims().length < 3) {
            throw new IllegalArgumentException("engine " + out + " must be a kFLOAT tensor of rank 3 or 4");
        }
        return new Binding(in.name(), out.name());
    }

    /** Input dimensions for a batch of {@code batch} frames. */
    static long[] inputDims(int batch, PreprocessSpec spec) {
        return new long[] {batch, 3, spec.cropHeight(), spec.cropWidth()};
    }

    /**
     * The optimisation profile of a dynamic-batch engine: min 1, opt {@code preferred}, max
     * {@code maxBatch} frames; TensorRT tunes kernels for opt and accepts anything in between.
     */
    static long[][] profile(int preferred, int maxBatch, PreprocessSpec spec) {
        if (preferred < 1 || preferred > maxBatch) {
            throw new IllegalArgumentException("preferred batch " + preferred + " outside 1.." + maxBatch);
        }
        return new long[][] {inputDims(1, spec), inputDims(preferred, spec), inputDims(maxBatch, spec)};
    }

    /** Bytes of a float tensor of {@code dims}; all dimensions must be resolved. */
    static long floatBytes(long[] dims) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("unresolved dimension in " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        return Math.multiplyExact(count, Float.BYTES);
    }
}
