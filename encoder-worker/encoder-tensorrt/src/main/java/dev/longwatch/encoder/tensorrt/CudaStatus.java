package dev.longwatch.encoder.tensorrt;

import java.util.function.IntFunction;

/** Turns CUDA runtime status codes into exceptions that name the failed operation. */
final class CudaStatus {
    /** {@code cudaSuccess}. */
    static final int SUCCESS = 0;
    /** {@code cudaErrorMemoryAllocation}: fixed by the CUDA runtime API, so no native lookup is needed. */
    static final int MEMORY_ALLOCATION = 2;

    private CudaStatus() {}

    /**
     * @param describe {@code cudaGetErrorString} in production; only called on failure
     * @throws CudaException.OutOfMemory for {@code cudaErrorMemoryAllocation}
     * @throws CudaException for any other non-zero status
     */
    static void check(int status, String operation, IntFunction<String> describe) {
        if (status == SUCCESS) {
            return;
        }
        String description = describe.apply(status);
        if (status == MEMORY_ALLOCATION) {
            throw new CudaException.OutOfMemory(operation, status, description);
        }
        throw new CudaException(operation, status, description);
    }

    /** A TensorRT call that reports failure as {@code false} or {@code null}. */
    static <T> T require(T result, String operation) {
        if (result == null || Boolean.FALSE.equals(result)) {
            throw new IllegalStateException(operation + " failed (see the TensorRT log above)");
        }
        return result;
    }
}
