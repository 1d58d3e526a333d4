package dev.longwatch.encoder.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseStackTest {

    @Test
    void shouldReleaseInReverseCreationOrder() {
        List<String> released = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        for (String name : List.of("logger", "runtime", "engine", "context", "stream", "device input", "pinned input")) {
            stack.push(name, name, () -> released.add(name));
        }
        stack.close();
        assertThat(released).containsExactly(
                "pinned input", "device input", "stream", "context", "engine", "runtime", "logger");
        assertThat(stack.size()).isZero();
    }

    @Test
    void shouldKeepReleasingAfterAFailureAndReportIt() {
        List<String> released = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        stack.push("engine", null, () -> released.add("engine"));
        stack.push("stream", null, () -> {
            throw new CudaException("cudaStreamDestroy", 400, "invalid resource handle");
        });
        stack.push("buffer", null, () -> released.add("buffer"));
        assertThatThrownBy(stack::close).hasMessageContaining("cudaStreamDestroy failed");
        assertThat(released).containsExactly("buffer", "engine");
    }

    @Test
    void shouldReleaseNothingTwice() {
        List<String> released = new ArrayList<>();
        ReleaseStack stack = new ReleaseStack();
        stack.push("engine", null, () -> released.add("engine"));
        stack.close();
        stack.close();
        assertThat(released).containsExactly("engine");
    }
}
