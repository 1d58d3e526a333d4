package dev.longwatch.encoder.tensorrt;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * Whether CUDA and TensorRT can be used in this process, probed once. The probe loads the
 * JNI libraries without initialising the preset classes: a failed static initialiser would make
 * every later touch a {@code NoClassDefFoundError} that no longer says what was missing.
 */
public final class CudaAvailability {
    /** @param reason why not, for logs and test skips; empty when available */
    public record Probe(boolean available, String reason, Throwable error) {}

    private static volatile Probe probe;

    private CudaAvailability() {}

    public static Probe probe() {
        Probe result = probe;
        if (result == null) {
            synchronized (CudaAvailability.class) {
                if (probe == null) {
                    probe = run();
                }
                result = probe;
            }
        }
        return result;
    }

    private static Probe run() {
        try {
            Loader.load(cudart.class);
            int[] devices = new int[1];
            int status = cudart.cudaGetDeviceCount(devices);
            if (status != CudaStatus.SUCCESS || devices[0] == 0) {
                return new Probe(false, "no CUDA device (cudaGetDeviceCount status " + status + ", count "
                        + devices[0] + ")", null);
            }
            Loader.load(nvinfer.class);
            Loader.load(nvonnxparser.class);
            return new Probe(true, "", null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Probe(false, "CUDA/TensorRT libraries not loadable: " + e, e);
        }
    }
}
