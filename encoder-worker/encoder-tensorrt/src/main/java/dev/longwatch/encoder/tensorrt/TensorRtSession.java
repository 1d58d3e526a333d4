package dev.longwatch.encoder.tensorrt;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

import dev.longwatch.encoder.preprocess.PreprocessSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native boundary: every TensorRT and CUDA call of the backend is in this class. One
 * engine, one execution context, one CUDA stream, device buffers and pinned host buffers sized
 * for {@code maxBatch}, all created once and released in reverse order by {@link #close()}.
 * Not thread-safe (one stream, one set of buffers).
 */
final class TensorRtSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TensorRtSession.class);

    /** The frames' float tensor out of the engine, and its shape. */
    record Output(float[] data, long[] shape) {}

    private final ReleaseStack resources;
    private final IExecutionContext context;
    private final CUstream_st stream;
    private final Pointer deviceInput;
    private final Pointer deviceOutput;
    private final FloatPointer hostInput;
    private final FloatPointer hostOutput;
    private final EngineIo.Binding binding;
    private final PreprocessSpec spec;
    private final int maxBatch;
    private final long[] outputShapeAtMax;

    private TensorRtSession(
            ReleaseStack resources,
            IExecutionContext context,
            CUstream_st stream,
            Pointer deviceInput,
            Pointer deviceOutput,
            FloatPointer hostInput,
            FloatPointer hostOutput,
            EngineIo.Binding binding,
            PreprocessSpec spec,
            int maxBatch,
            long[] outputShapeAtMax) {
        this.resources = resources;
        this.context = context;
        this.stream = stream;
        this.deviceInput = deviceInput;
        this.deviceOutput = deviceOutput;
        this.hostInput = hostInput;
        this.hostOutput = hostOutput;
        this.binding = binding;
        this.spec = spec;
        this.maxBatch = maxBatch;
        this.outputShapeAtMax = outputShapeAtMax;
    }

    /** Forwards TensorRT's own log to slf4j. */
    private static final class TrtLogger extends ILogger {
        @Override
        public void log(Severity severity, String message) {
            Severity s = severity.intern();
            if (s == Severity.kERROR || s == Severity.kINTERNAL_ERROR) {
                LOG.error("[TensorRT] {}", message);
            } else if (s == Severity.kWARNING) {
                LOG.warn("[TensorRT] {}", message);
            } else {
                LOG.debug("[TensorRT] {}", message);
            }
        }
    }

    /**
     * Builds a serialized engine from ONNX bytes: FP16 when asked, a dynamic batch profile of
     * 1 / {@code preferred} / {@code maxBatch} frames.
     *
     * @throws IllegalArgumentException when the ONNX parser rejects the model
     */
    static byte[] buildEngine(byte[] onnx, PreprocessSpec spec, int preferred, int maxBatch, boolean fp16) {
        try (ReleaseStack scope = new ReleaseStack()) {
            TrtLogger logger = new TrtLogger();
            scope.push("logger", logger, logger::deallocate);
            IBuilder builder = Objects.requireNonNull(createInferBuilder(logger), "createInferBuilder");
            scope.push("builder", builder, builder::deallocate);
            // Flags 0: not strongly typed, so that the FP16 builder flag may lower precision.
            INetworkDefinition network = Objects.requireNonNull(builder.createNetworkV2(0), "createNetworkV2");
            scope.push("network", network, network::deallocate);
            IParser parser = Objects.requireNonNull(createParser(network, logger), "createParser");
            scope.push("parser", parser, parser::deallocate);
            BytePointer model = new BytePointer(onnx);
            scope.push("onnx bytes", model, model::close);
            if (!parser.parse(model, onnx.length)) {
                List<String> errors = new ArrayList<>();
                for (int i = 0; i < parser.getNbErrors(); i++) {
                    errors.add(parser.getError(i).desc() + " (node " + parser.getError(i).node() + ")");
                }
                throw new IllegalArgumentException("the TensorRT ONNX parser rejected the model: " + errors);
            }
            IBuilderConfig config = Objects.requireNonNull(builder.createBuilderConfig(), "createBuilderConfig");
            scope.push("builder config", config, config::deallocate);
            if (fp16) {
                config.setFlag(BuilderFlag.kFP16);
            }
            // The profile belongs to the builder: it is freed with it.
            IOptimizationProfile profile =
                    Objects.requireNonNull(builder.createOptimizationProfile(), "createOptimizationProfile");
            String input = network.getInput(0).getName();
            long[][] dims = EngineIo.profile(preferred, maxBatch, spec);
            OptProfileSelector[] selectors = {OptProfileSelector.kMIN, OptProfileSelector.kOPT, OptProfileSelector.kMAX};
            for (int i = 0; i < 3; i++) {
                try (Dims64 d = dims64(dims[i])) {
                    CudaStatus.require(profile.setDimensions(input, selectors[i], d), "setDimensions " + selectors[i]);
                }
            }
            if (config.addOptimizationProfile(profile) < 0) {
                throw new IllegalStateException("addOptimizationProfile failed");
            }
            IHostMemory plan = Objects.requireNonNull(
                    builder.buildSerializedNetwork(network, config), "buildSerializedNetwork");
            scope.push("serialized engine", plan, plan::deallocate);
            byte[] bytes = new byte[Math.toIntExact(plan.size())];
            new BytePointer(plan.data()).capacity(plan.size()).get(bytes);
            return bytes;
        }
    }

    /**
     * Deserializes an engine and allocates everything a run needs. Input, output, their types and
     * the batch dimension are checked here, once ({@link EngineIo}).
     */
    static TensorRtSession load(byte[] plan, String output, PreprocessSpec spec, int maxBatch) {
        ReleaseStack resources = new ReleaseStack();
        try {
            // The runtime keeps calling the logger: the release entry keeps it reachable until close.
            TrtLogger logger = new TrtLogger();
            resources.push("logger", logger, logger::deallocate);
            IRuntime runtime = Objects.requireNonNull(createInferRuntime(logger), "createInferRuntime");
            resources.push("runtime", runtime, runtime::deallocate);
            ICudaEngine engine;
            try (BytePointer bytes = new BytePointer(plan)) { // TensorRT copies the plan
                engine = Objects.requireNonNull(
                        runtime.deserializeCudaEngine(bytes, plan.length),
                        "deserializeCudaEngine (engine built for another GPU or TensorRT version?)");
            }
            resources.push("engine", engine, engine::deallocate);
            EngineIo.Binding binding = EngineIo.check(describe(engine), output, spec, maxBatch);
            IExecutionContext context =
                    Objects.requireNonNull(engine.createExecutionContext(), "createExecutionContext");
            resources.push("execution context", context, context::deallocate);
            CUstream_st stream = new CUstream_st();
            check(cudaStreamCreate(stream), "cudaStreamCreate");
            resources.push("stream", stream, () -> check(cudaStreamDestroy(stream), "cudaStreamDestroy"));

            try (Dims64 max = dims64(EngineIo.inputDims(maxBatch, spec))) {
                CudaStatus.require(context.setInputShape(binding.input(), max), "setInputShape " + binding.input());
            }
            long[] outputShape = longs(context.getTensorShape(binding.output()));
            long inputBytes = EngineIo.floatBytes(EngineIo.inputDims(maxBatch, spec));
            long outputBytes = EngineIo.floatBytes(outputShape);

            Pointer deviceInput = deviceBuffer(resources, inputBytes, "input " + binding.input());
            Pointer deviceOutput = deviceBuffer(resources, outputBytes, "output " + binding.output());
            FloatPointer hostInput = pinnedBuffer(resources, inputBytes, "input " + binding.input());
            FloatPointer hostOutput = pinnedBuffer(resources, outputBytes, "output " + binding.output());
            CudaStatus.require(context.setTensorAddress(binding.input(), deviceInput), "setTensorAddress input");
            CudaStatus.require(context.setTensorAddress(binding.output(), deviceOutput), "setTensorAddress output");
            return new TensorRtSession(resources, context, stream, deviceInput, deviceOutput, hostInput, hostOutput,
                    binding, spec, maxBatch, outputShape);
        } catch (RuntimeException | Error e) {
            try {
                resources.close();
            } catch (RuntimeException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
    }

    /** The output shape at {@code maxBatch} frames. */
    long[] outputShapeAtMax() {
        return outputShapeAtMax.clone();
    }

    /** Runs {@code batch} frames of planar floats: host to device, enqueue, device to host, wait. */
    Output infer(float[] input, int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch);
        }
        long[] inputDims = EngineIo.inputDims(batch, spec);
        long inputBytes = EngineIo.floatBytes(inputDims);
        hostInput.position(0).put(input, 0, Math.toIntExact(inputBytes / Float.BYTES));
        check(cudaMemcpyAsync(deviceInput, hostInput.position(0), inputBytes, cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync HostToDevice");
        try (Dims64 dims = dims64(inputDims)) {
            CudaStatus.require(context.setInputShape(binding.input(), dims), "setInputShape");
        }
        long[] outputShape = longs(context.getTensorShape(binding.output()));
        long outputBytes = EngineIo.floatBytes(outputShape);
        CudaStatus.require(context.enqueueV3(stream), "enqueueV3");
        check(cudaMemcpyAsync(hostOutput.position(0), deviceOutput, outputBytes, cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync DeviceToHost");
        check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        float[] out = new float[Math.toIntExact(outputBytes / Float.BYTES)];
        hostOutput.position(0).get(out);
        return new Output(out, outputShape);
    }

    @Override
    public void close() {
        try {
            check(cudaStreamSynchronize(stream), "cudaStreamSynchronize before release");
        } finally {
            resources.close();
        }
    }

    private static Pointer deviceBuffer(ReleaseStack resources, long bytes, String what) {
        try (PointerPointer<Pointer> slot = new PointerPointer<>(1)) {
            check(cudaMalloc(slot, bytes), "cudaMalloc " + what + " (" + bytes + " bytes)");
            Pointer buffer = slot.get(0);
            return resources.push("device " + what, buffer, () -> check(cudaFree(buffer), "cudaFree " + what));
        }
    }

    /** Page-locked host memory: the copies to and from the device run at full speed and asynchronously. */
    private static FloatPointer pinnedBuffer(ReleaseStack resources, long bytes, String what) {
        try (PointerPointer<Pointer> slot = new PointerPointer<>(1)) {
            check(cudaMallocHost(slot, bytes), "cudaMallocHost " + what + " (" + bytes + " bytes)");
            Pointer raw = slot.get(0);
            FloatPointer buffer = new FloatPointer(raw).capacity(bytes / Float.BYTES);
            return resources.push("pinned " + what, buffer, () -> check(cudaFreeHost(raw), "cudaFreeHost " + what));
        }
    }

    private static List<EngineIo.TensorSpec> describe(ICudaEngine engine) {
        List<EngineIo.TensorSpec> tensors = new ArrayList<>();
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            boolean input = engine.getTensorIOMode(name).value == TensorIOMode.kINPUT.value;
            int type = engine.getTensorDataType(name).value;
            String dataType = type == DataType.kFLOAT.value ? "kFLOAT"
                    : type == DataType.kHALF.value ? "kHALF" : "DataType(" + type + ")";
            tensors.add(new EngineIo.TensorSpec(name, input, longs(engine.getTensorShape(name)), dataType));
        }
        return tensors;
    }

    private static Dims64 dims64(long[] values) {
        Dims64 dims = new Dims64();
        dims.nbDims(values.length);
        for (int i = 0; i < values.length; i++) {
            dims.d(i, values[i]);
        }
        return dims;
    }

    private static long[] longs(Dims64 dims) {
        long[] values = new long[dims.nbDims()];
        for (int i = 0; i < values.length; i++) {
            values[i] = dims.d(i);
        }
        return values;
    }

    private static void check(int status, String operation) {
        CudaStatus.check(status, operation, code -> {
            BytePointer text = cudaGetErrorString(code);
            return text == null ? "unknown error" : text.getString();
        });
    }
}
