package dev.longwatch.encoder.tensorrt;

/** A CUDA runtime call failed; the message names the operation and the CUDA error. */
public class CudaException extends IllegalStateException {
    private final String operation;
    private final int status;

    public CudaException(String operation, int status, String description) {
        super(operation + " failed: " + description + " (cudaError " + status + ")");
        this.operation = operation;
        this.status = status;
    }

    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    /** The device ran out of memory: a smaller batch or a smaller engine may still fit. */
    public static final class OutOfMemory extends CudaException {
        public OutOfMemory(String operation, int status, String description) {
            super(operation, status, description);
        }
    }
}
