package dev.longwatch.memory.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The machine's memory copy bandwidth, the yardstick for the bank's bytes per frame: {@code
 * System.arraycopy} of an array far larger than any cache. One operation reads {@link #BYTES} and
 * writes {@link #BYTES}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class CopyBandwidthBenchmark {
    static final int BYTES = 64 << 20;

    private byte[] from;
    private byte[] to;

    @Setup
    public void allocate() {
        from = new byte[BYTES];
        to = new byte[BYTES];
        for (int i = 0; i < BYTES; i += 4096) {
            from[i] = (byte) i; // touch every page so the copy measures memory, not page faults
            to[i] = 1;
        }
    }

    @Benchmark
    public byte[] copy() {
        System.arraycopy(from, 0, to, 0, BYTES);
        return to;
    }
}
