package dev.longwatch.encoder.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CudaStatusTest {

    @Test
    void shouldPassSuccessWithoutAskingForADescription() {
        assertThatCode(() -> CudaStatus.check(0, "cudaMalloc input", code -> {
                    throw new AssertionError("described a success");
                }))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNameTheOperationAndTheCudaError() {
        assertThatThrownBy(() -> CudaStatus.check(1, "cudaMemcpyAsync HostToDevice", code -> "invalid argument"))
                .isExactlyInstanceOf(CudaException.class)
                .hasMessage("cudaMemcpyAsync HostToDevice failed: invalid argument (cudaError 1)")
                .satisfies(e -> assertThat(((CudaException) e).operation()).isEqualTo("cudaMemcpyAsync HostToDevice"));
    }

    @Test
    void shouldTypeOutOfMemorySoCallersCanRetrySmaller() {
        assertThatThrownBy(() -> CudaStatus.check(2, "cudaMalloc output", code -> "out of memory"))
                .isInstanceOf(CudaException.OutOfMemory.class)
                .hasMessageContaining("cudaMalloc output failed: out of memory");
    }

    @Test
    void shouldTurnTensorRtFalseOrNullIntoAnError() {
        assertThat(CudaStatus.require(Boolean.TRUE, "enqueueV3")).isTrue();
        assertThatThrownBy(() -> CudaStatus.require(Boolean.FALSE, "enqueueV3")).hasMessageContaining("enqueueV3 failed");
        assertThatThrownBy(() -> CudaStatus.require(null, "createExecutionContext"))
                .hasMessageContaining("createExecutionContext failed");
    }
}
