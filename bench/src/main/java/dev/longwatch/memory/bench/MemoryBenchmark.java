package dev.longwatch.memory.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.longwatch.memory.bank.Granularity;
import dev.longwatch.memory.bank.StorageDtype;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code longwatch bench memory}: the incremental bank against the MA-LMM port, one compression
 * step on a full bank, over tokens ∈ {64, 256}, dim ∈ {768, 1024}, slots ∈ {10, 20, 40}. The bank
 * runs twice: with F16 storage (what the Flink job keeps) and with F32 storage, so the speedup over
 * the port (which computes and stores in float, as written) separates the algorithm from the
 * storage type. Every row also says how close it comes to the machine's copy bound: the bytes its
 * step must touch at the copy bandwidth measured in the same run. All run through JMH, each
 * parameter set and benchmark in a fresh JVM with the same settings ({@link #FORK_HEAP}).
 */
public final class MemoryBenchmark {
    static final String[] TOKENS = {"64", "256"};
    static final String[] DIMS = {"768", "1024"};
    static final String[] SLOTS = {"10", "20", "40"};
    /** The bank's storage types; F16 is the job's. */
    static final StorageDtype[] STORAGES = {StorageDtype.F16, StorageDtype.F32};
    static final String[] FORK_HEAP = {
        "-Xms1g", "-Xmx1g", "-XX:G1HeapRegionSize=2m", "-XX:+AlwaysPreTouch"
    };

    private MemoryBenchmark() {}

    /** What the JSON holds: one row per shape and side, and the copy bandwidth of the run. */
    public record Report(List<Result> results, double copyBandwidthGBs) {}

    /**
     * One shape on one side.
     *
     * @param side {@code incremental-f16} (the job's bank), {@code incremental-f32} (the same
     *     algorithm on float storage) or {@code reference} (the MA-LMM port, float)
     * @param framesPerSec compression steps per second
     * @param bytesPerFrame bytes the step must touch: for the bank what its stores read and write
     *     (tensors in stored width, descriptors, cached norms) plus the frame; for the port the
     *     bank it reads whole (the frame included) and the bank it writes
     * @param copyBoundFramesPerSec copy bandwidth divided by bytesPerFrame: the rate the step would
     *     reach if it only moved its bytes at memcpy speed
     * @param copyBoundFraction framesPerSec over copyBoundFramesPerSec
     * @param speedup framesPerSec over the reference's on the same shape (1 for the reference)
     */
    public record Result(
            String granularity,
            int tokens,
            int dim,
            int slots,
            String side,
            double framesPerSec,
            long bytesPerFrame,
            double copyBoundFramesPerSec,
            double copyBoundFraction,
            double speedup) {}

    /**
     * Runs the benchmark and writes the report to {@code jsonOut}.
     *
     * @param progress where JMH's progress and a summary table go
     * @param quick frame granularity only, short iterations (about three minutes on two cores);
     *     otherwise frame and token granularity with longer iterations
     */
    public static Report run(Path jsonOut, PrintStream progress, boolean quick)
            throws IOException {
        return run(jsonOut, progress, quick, TOKENS, DIMS, SLOTS);
    }

    /** {@link #run(Path, PrintStream, boolean)} over some of the shapes only. */
    public static Report run(
            Path jsonOut,
            PrintStream progress,
            boolean quick,
            String[] tokens,
            String[] dims,
            String[] slots)
            throws IOException {
        List<Granularity> granularities =
                quick ? List.of(Granularity.FRAME) : List.of(Granularity.FRAME, Granularity.TOKEN);
        ChainedOptionsBuilder options =
                new OptionsBuilder()
                        .include(BankStepBenchmark.class.getName() + "\\.")
                        .include(CopyBandwidthBenchmark.class.getName() + "\\.")
                        // One fresh JVM per parameter set and benchmark: in a shared JVM the JIT
                        // keeps code profiled for earlier shapes and storage types, which made the
                        // same step vary by 1.7x between runs. The fork inherits java.class.path
                        // (./longwatch's manifest-only launcher jar works).
                        .forks(1)
                        // A fixed heap, every page touched before the first iteration: this VM
                        // pays dearly for the first touch of a page, and a heap growing under the
                        // reference's 22-44 MB of arrays per step made it 2-3x slower in some
                        // iterations than in others. 2 MB regions as a 4 GB heap has by default,
                        // so the bank's 512 KB slots are not humongous objects. Both sides run in
                        // the same JVM settings.
                        .jvmArgsAppend(FORK_HEAP)
                        .threads(1)
                        // The 256-token steps were still speeding up through 2 x 300 ms of warm-up,
                        // and the row-by-row bank (more methods for C2 to compile while the other
                        // core is busy) through the fourth of 4 x 500 ms.
                        .warmupIterations(quick ? 6 : 5)
                        .warmupTime(TimeValue.milliseconds(quick ? 500 : 1000))
                        .measurementIterations(quick ? 4 : 5)
                        .measurementTime(TimeValue.milliseconds(quick ? 500 : 1000))
                        .param(
                                "granularity",
                                granularities.stream().map(Enum::name).toArray(String[]::new))
                        .param("tokens", tokens)
                        .param("dim", dims)
                        .param("slots", slots)
                        .param(
                                "storage",
                                java.util.Arrays.stream(STORAGES)
                                        .map(Enum::name)
                                        .toArray(String[]::new))
                        .shouldFailOnError(true);
        Collection<RunResult> runs;
        try {
            runs =
                    new Runner(
                                    options.build(),
                                    OutputFormatFactory.createFormatInstance(
                                            progress, VerboseMode.NORMAL))
                            .run();
        } catch (RunnerException e) {
            throw new IOException("JMH run failed: " + e.getMessage(), e);
        }
        Report report = toReport(runs);
        printSummary(report, progress);
        Path parent = jsonOut.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(jsonOut.toFile(), report);
        return report;
    }

    private static Report toReport(Collection<RunResult> runs) {
        double copyBandwidth = Double.NaN;
        Map<String, Double> framesPerSec = new HashMap<>();
        List<String> shapes = new ArrayList<>();
        for (RunResult run : runs) {
            String benchmark = run.getParams().getBenchmark();
            double opsPerSec = run.getPrimaryResult().getScore();
            if (benchmark.endsWith(".copy")) {
                copyBandwidth = opsPerSec * 2.0 * CopyBandwidthBenchmark.BYTES / 1e9;
                continue;
            }
            String shape =
                    String.join(
                            "/",
                            run.getParams().getParam("granularity"),
                            run.getParams().getParam("tokens"),
                            run.getParams().getParam("dim"),
                            run.getParams().getParam("slots"));
            if (!shapes.contains(shape)) {
                shapes.add(shape);
            }
            String side =
                    benchmark.endsWith(".incremental")
                            ? "incremental-" + run.getParams().getParam("storage").toLowerCase()
                            : "reference";
            framesPerSec.put(shape + "/" + side, opsPerSec);
        }
        List<Result> results = new ArrayList<>();
        for (String shape : shapes) {
            String[] parts = shape.split("/");
            Granularity granularity = Granularity.valueOf(parts[0]);
            int tokens = Integer.parseInt(parts[1]);
            int dim = Integer.parseInt(parts[2]);
            int slots = Integer.parseInt(parts[3]);
            Double reference = framesPerSec.get(shape + "/reference");
            if (reference == null) {
                throw new IllegalStateException("JMH returned no reference result for " + shape);
            }
            List<String> sides = new ArrayList<>();
            for (StorageDtype dtype : STORAGES) {
                sides.add("incremental-" + dtype.name().toLowerCase());
            }
            sides.add("reference");
            for (String side : sides) {
                Double fps = framesPerSec.get(shape + "/" + side);
                if (fps == null) {
                    throw new IllegalStateException("JMH returned no " + side + " result for " + shape);
                }
                long bytes =
                        side.equals("reference")
                                ? BytesTouched.reference(tokens, dim, slots)
                                : BytesTouched.perFrame(
                                        granularity,
                                        StorageDtype.valueOf(side.substring(12).toUpperCase()),
                                        tokens,
                                        dim,
                                        slots);
                double bound = copyBandwidth * 1e9 / bytes;
                results.add(
                        new Result(
                                granularity.name(),
                                tokens,
                                dim,
                                slots,
                                side,
                                fps,
                                bytes,
                                bound,
                                fps / bound,
                                fps / reference));
            }
        }
        return new Report(results, copyBandwidth);
    }

    private static void printSummary(Report report, PrintStream out) {
        out.printf(
                "%n%-6s %6s %5s %5s %-16s %12s %8s %12s %12s %6s%n",
                "gran", "tokens", "dim", "slots", "side", "frames/s", "speedup", "bytes/frame",
                "copy-bound/s", "bound");
        for (Result r : report.results()) {
            out.printf(
                    "%-6s %6d %5d %5d %-16s %12.1f %8.1f %12d %12.1f %5.1f%%%n",
                    r.granularity(), r.tokens(), r.dim(), r.slots(), r.side(), r.framesPerSec(),
                    r.speedup(), r.bytesPerFrame(), r.copyBoundFramesPerSec(),
                    100 * r.copyBoundFraction());
        }
        out.printf("copy bandwidth (read + write): %.2f GB/s%n", report.copyBandwidthGBs());
    }

    /**
     * {@code java ... MemoryBenchmark FILE [--full] [--tokens 64,256] [--dims 768,1024] [--slots
     * 10,20,40]}, for running without the CLI, all shapes unless restricted.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println(
                    "usage: MemoryBenchmark OUT.json [--full] [--tokens N,..] [--dims N,..] [--slots N,..]");
            System.exit(2);
        }
        boolean quick = true;
        String[] tokens = TOKENS;
        String[] dims = DIMS;
        String[] slots = SLOTS;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> quick = false;
                case "--tokens" -> tokens = args[++i].split(",");
                case "--dims" -> dims = args[++i].split(",");
                case "--slots" -> slots = args[++i].split(",");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        run(Path.of(args[0]), System.out, quick, tokens, dims, slots);
    }
}
