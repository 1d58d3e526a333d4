package dev.longwatch.bench;

import dev.longwatch.encoder.bench.EncoderBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ONNX encoder, and the worker's whole path (JPEG frame values to fp16 embeddings), against a
 * bare ONNX Runtime session on the same batches, same run.
 */
@Command(name = "encoder", description = "Frames/s of the onnx encoder and of the worker's path (JPEG values to fp16"
        + " embeddings) against the bare ONNX Runtime session, batches 1, 8 and 16.")
final class EncoderBenchCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, description = "where to write the results")
    Path json;

    @Option(names = "--model", defaultValue = "../shared/data/models/mobilenetv2-12-int8.onnx", description = "ONNX model (default: ${DEFAULT-VALUE})")
    Path model;

    @Override
    public Integer call() throws Exception {
        EncoderBenchmark.run(model, json, System.err);
        System.err.println("bench encoder: wrote " + json);
        return 0;
    }
}
